package logs

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// groupingAccuracy is the LogHub metric: a line counts as correct only if
// the set of lines in its predicted group equals its ground-truth group.
func groupingAccuracy(pred, truth []string) float64 {
	predGroups := map[string][]int{}
	for i, p := range pred {
		predGroups[p] = append(predGroups[p], i)
	}
	truthSize := map[string]int{}
	for _, t := range truth {
		truthSize[t]++
	}
	correct := 0
	for _, lines := range predGroups {
		label := truth[lines[0]]
		same := true
		for _, i := range lines {
			if truth[i] != label {
				same = false
				break
			}
		}
		if same && truthSize[label] == len(lines) {
			correct += len(lines)
		}
	}
	return float64(correct) / float64(len(truth))
}

// parseIDs returns each line's final template id, as "logs parse" prints.
func parseIDs(t *testing.T, path string) ([]string, *Analysis) {
	t.Helper()
	a, err := Analyze(context.Background(), path, AnalyzeConfig{KeepAssignments: true})
	if err != nil {
		t.Fatalf("analyse %s: %v", path, err)
	}
	ids := make([]string, len(a.Assign))
	for i, idx := range a.Assign {
		ids[i] = a.Templates[idx].Template.ID()
	}
	return ids, a
}

func TestGroupingAccuracy(t *testing.T) {
	logs, err := filepath.Glob("testdata/*.log")
	if err != nil || len(logs) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	sort.Strings(logs)
	var sum float64
	for _, path := range logs {
		raw, err := os.ReadFile(strings.TrimSuffix(path, ".log") + ".labels")
		if err != nil {
			t.Fatal(err)
		}
		truth := strings.Fields(string(raw))
		pred, a := parseIDs(t, path)
		if len(pred) != len(truth) {
			t.Fatalf("%s: %d lines parsed, %d labels", path, len(pred), len(truth))
		}
		acc := groupingAccuracy(pred, truth)
		sum += acc
		name := strings.TrimSuffix(filepath.Base(path), ".log")
		t.Logf("%-12s accuracy %.3f  (%d lines, %d templates)", name, acc, len(truth), len(a.Templates))
		if acc < 0.6 {
			t.Errorf("%s: grouping accuracy %.3f below 0.6", name, acc)
			if testing.Verbose() {
				for _, st := range a.Templates {
					t.Logf("   %5d %s", st.Count, st.Template.Text())
				}
			}
		}
	}
	avg := sum / float64(len(logs))
	t.Logf("average grouping accuracy %.3f over %d samples", avg, len(logs))
	if avg < 0.9 {
		t.Errorf("average grouping accuracy %.3f below 0.9", avg)
	}
}

func TestGroupingAccuracyMetric(t *testing.T) {
	truth := []string{"A", "A", "B", "B", "C"}
	if got := groupingAccuracy([]string{"x", "x", "y", "y", "z"}, truth); got != 1 {
		t.Errorf("perfect grouping scored %v", got)
	}
	// Merging B and C makes all three of their lines wrong.
	if got := groupingAccuracy([]string{"x", "x", "y", "y", "y"}, truth); got != 0.4 {
		t.Errorf("merged grouping scored %v, want 0.4", got)
	}
	// Splitting A makes both A lines wrong.
	if got := groupingAccuracy([]string{"x", "w", "y", "y", "z"}, truth); got != 0.6 {
		t.Errorf("split grouping scored %v, want 0.6", got)
	}
}
