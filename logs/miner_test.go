package logs

import (
	"fmt"
	"strings"
	"testing"
)

func TestMinerBoundsClusters(t *testing.T) {
	m := NewMiner(MinerConfig{MaxClusters: 10})
	for i := range 1000 {
		m.Add(strings.Fields(fmt.Sprintf("word%c%c unique%c text here", 'a'+i%26, 'a'+i/26%26, 'a'+i%7)))
	}
	if n := len(m.Templates()); n > 11 {
		t.Errorf("%d templates for a cap of 10", n)
	}
}

func TestMinerGeneralises(t *testing.T) {
	m := NewMiner(MinerConfig{})
	a := m.Add([]string{"Failed", "to", "open", "<*>", "for", "reading"})
	b := m.Add([]string{"Failed", "to", "open", "<*>", "for", "writing"})
	c := m.Add([]string{"Failed", "to", "open", "<*>", "for", "job-7"})
	if a == b {
		t.Errorf("reading and writing merged: %s", a.Text())
	}
	if c != a && c != b {
		t.Errorf("a non-word variant did not join: %s", c.Text())
	}
	if a.ID() == b.ID() || len(a.ID()) != 12 {
		t.Errorf("ids %s %s", a.ID(), b.ID())
	}
}
