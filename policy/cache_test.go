package policy

import (
	"strconv"
	"testing"
)

func TestMemoIsBounded(t *testing.T) {
	c := newMemo[int](3)
	for i := range 10 {
		c.put(strconv.Itoa(i), i)
		if c.len() > 3 {
			t.Fatalf("%d entries after %d puts, cap 3", c.len(), i+1)
		}
	}
	if v, ok := c.get("9"); !ok || v != 9 {
		t.Errorf("the latest entry is gone: %v %v", v, ok)
	}
	c.put("9", 90) // replacing evicts nothing
	if c.len() != 3 {
		t.Errorf("len %d after a replace", c.len())
	}
}
