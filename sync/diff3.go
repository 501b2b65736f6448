package sync

import (
	"slices"
	"strings"
)

// maxDiffCells bounds the work of the line diff (rows × columns of the
// table); a larger middle part is treated as one changed hunk.
const maxDiffCells = 4_000_000

// MergeLines merges two texts a and b that were both edited from base,
// line by line (diff3). Where only one side changed a region, its change
// is taken; where both changed it identically, once; where both changed it
// differently, both versions are kept between conflict markers, a first
// (labelled labelA), then b, and conflict is true.
func MergeLines(base, a, b, labelA, labelB string) (merged string, conflict bool) {
	bl, al, bbl := splitLines(base), splitLines(a), splitLines(b)
	ma := matchLines(bl, al)
	mb := matchLines(bl, bbl)
	var out strings.Builder
	i, ja, jb := 0, 0, 0
	for i < len(bl) || ja < len(al) || jb < len(bbl) {
		if i < len(bl) && ma[i] == ja && mb[i] == jb {
			out.WriteString(bl[i])
			i, ja, jb = i+1, ja+1, jb+1
			continue
		}
		// An unstable chunk runs up to the next base line that both sides
		// kept, or to the end.
		k := i
		for k < len(bl) && (ma[k] < 0 || mb[k] < 0) {
			k++
		}
		ea, eb := len(al), len(bbl)
		if k < len(bl) {
			ea, eb = ma[k], mb[k]
		}
		oc, ac, bc := bl[i:k], al[ja:ea], bbl[jb:eb]
		switch {
		case slices.Equal(ac, oc):
			writeLines(&out, bc)
		case slices.Equal(bc, oc), slices.Equal(ac, bc):
			writeLines(&out, ac)
		default:
			conflict = true
			out.WriteString("<<<<<<< " + labelA + "\n")
			writeLines(&out, withNewline(ac))
			out.WriteString("=======\n")
			writeLines(&out, withNewline(bc))
			out.WriteString(">>>>>>> " + labelB + "\n")
		}
		i, ja, jb = k, ea, eb
	}
	return out.String(), conflict
}

// splitLines splits s into lines that keep their "\n".
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func writeLines(b *strings.Builder, lines []string) {
	for _, l := range lines {
		b.WriteString(l)
	}
}

// withNewline makes sure the last line ends in "\n", so that a conflict
// marker starts on a line of its own.
func withNewline(lines []string) []string {
	if n := len(lines); n > 0 && !strings.HasSuffix(lines[n-1], "\n") {
		lines = append(slices.Clone(lines[:n-1]), lines[n-1]+"\n")
	}
	return lines
}

// matchLines returns, for every line of x, the index of the line of y it is
// matched to by a longest common subsequence, or -1. Matches are strictly
// increasing.
func matchLines(x, y []string) []int {
	m := make([]int, len(x))
	for i := range m {
		m[i] = -1
	}
	// Common prefix and suffix first: cheap, and usually most of a text.
	p := 0
	for p < len(x) && p < len(y) && x[p] == y[p] {
		m[p] = p
		p++
	}
	s := 0
	for s < len(x)-p && s < len(y)-p && x[len(x)-1-s] == y[len(y)-1-s] {
		m[len(x)-1-s] = len(y) - 1 - s
		s++
	}
	xs, ys := x[p:len(x)-s], y[p:len(y)-s]
	if len(xs) == 0 || len(ys) == 0 || len(xs)*len(ys) > maxDiffCells {
		return m
	}
	// Classic LCS table over the middle parts, filled from the end.
	w := len(ys) + 1
	t := make([]int32, (len(xs)+1)*w)
	for i := len(xs) - 1; i >= 0; i-- {
		for j := len(ys) - 1; j >= 0; j-- {
			if xs[i] == ys[j] {
				t[i*w+j] = t[(i+1)*w+j+1] + 1
			} else {
				t[i*w+j] = max(t[(i+1)*w+j], t[i*w+j+1])
			}
		}
	}
	for i, j := 0, 0; i < len(xs) && j < len(ys); {
		switch {
		case xs[i] == ys[j]:
			m[p+i] = p + j
			i, j = i+1, j+1
		case t[(i+1)*w+j] >= t[i*w+j+1]:
			i++
		default:
			j++
		}
	}
	return m
}
