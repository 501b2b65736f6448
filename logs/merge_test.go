package logs

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestMerge(t *testing.T) {
	app := writeFile(t, "app.log", []byte("2026-11-27 10:00:01 INFO app start\n"+
		"2026-11-27 10:00:03 ERROR app failed\n"+
		"java.lang.IllegalStateException: x\n"+
		"\tat a.B.c(B.java:1)\n"+
		"2026-11-27 10:00:05 INFO app done"))
	db := writeFile(t, "db.log", []byte("db banner without time\r\n"+
		"27.11.2026 10:00:02,000 LOG checkpoint\r\n"+
		"27.11.2026 10:00:03,000 ERROR deadlock detected\r\n"+
		"27.11.2026 10:00:06,000 LOG shutdown\r\n"))
	var b strings.Builder
	m, err := Merge(context.Background(), &b, []string{app, db}, ReaderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"db banner without time",
		"2026-11-27 10:00:01 INFO app start",
		"27.11.2026 10:00:02,000 LOG checkpoint",
		"2026-11-27 10:00:03 ERROR app failed",
		"java.lang.IllegalStateException: x",
		"\tat a.B.c(B.java:1)",
		"27.11.2026 10:00:03,000 ERROR deadlock detected",
		"2026-11-27 10:00:05 INFO app done",
		"27.11.2026 10:00:06,000 LOG shutdown",
	}
	if got := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("merged:\n%s", b.String())
	}
	if fmt.Sprint(m.Sources) != "[1 0 1 0 0 0 1 0 1]" || fmt.Sprint(m.Lines) != "[1 1 2 2 3 4 3 5 4]" {
		t.Errorf("origins %v %v", m.Sources, m.Lines)
	}
	if _, err := Merge(context.Background(), &b, []string{app, writeFile(t, "empty.log", nil)}, ReaderConfig{}); err == nil {
		t.Error("empty file merged")
	}
	if _, err := Merge(context.Background(), &b, nil, ReaderConfig{}); err == nil {
		t.Error("nothing merged")
	}
}
