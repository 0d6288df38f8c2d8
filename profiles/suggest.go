package profiles

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// didYouMean returns ` (did you mean "X"?)` for the known word nearest to
// word, or "" when none is near enough.
func didYouMean(word string, known []string) string {
	if s := nearest(word, known, nil); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// nearest returns the candidate closest to word, or "" when none is close.
// Candidates are the known words plus the aliases' keys (other tools' names
// for a key, e.g. Compose's "mem_limit"), which stand for their values.
// Case and '-' versus '_' do not count. A candidate is close when at most
// a third of the word's letters (at least one) must be inserted, deleted,
// replaced or swapped with a neighbour: "capabilites" is one edit from the
// alias "capabilities", so it suggests "cap_add".
func nearest(word string, known []string, aliases map[string]string) string {
	w := fold(word)
	best, bestDist := "", max(1, len(w)/3)+1
	try := func(cand, target string) {
		if d := editDistance(w, fold(cand)); d < bestDist {
			best, bestDist = target, d
		}
	}
	for _, k := range known {
		try(k, k)
	}
	for _, a := range slices.Sorted(maps.Keys(aliases)) {
		try(a, aliases[a])
	}
	return best
}

func fold(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "-", "_")
}

// editDistance is the optimal string alignment distance: the Levenshtein
// distance where swapping two adjacent letters also counts as one edit.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return max(len(a), len(b)) // not a misspelling; keeps the cost bounded
	}
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
