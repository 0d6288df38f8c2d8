package profiles

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// YAML is the resolved profile as a profile file (`hardrun profiles show
// --format yaml`): every key, extends dropped. Saved as NAME.yaml it loads
// again to an equal profile.
func (p *Profile) YAML() ([]byte, error) {
	node, err := yaml.ValueToNode(p.shown(), yaml.IndentSequence(true))
	if err != nil {
		return nil, err
	}
	ast.Walk(quoteSexagesimal{}, node)
	return []byte(node.String() + "\n" + weakeningComments(p.Weakened)), nil
}

// weakeningComments name the weakenings of the extends chain after the
// keys, as comments: the output stays a profile that loads again.
func weakeningComments(ws []Weakening) string {
	if len(ws) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("# Weakenings: what this profile permits that the profiles it extends do not.\n")
	for _, w := range ws {
		fmt.Fprintf(&b, "#   %s\n", w)
	}
	return b.String()
}

// sexagesimal is what a YAML 1.1 reader (PyYAML, many editors) takes for a
// base-60 integer: "10001:10001" would read back as 36006001.
var sexagesimal = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+(:[0-9]+)+$`) })

// quoteSexagesimal double-quotes such strings, which the encoder leaves bare.
type quoteSexagesimal struct{}

func (q quoteSexagesimal) Visit(n ast.Node) ast.Visitor {
	if s, ok := n.(*ast.StringNode); ok && s.Token.Type == token.StringType && sexagesimal().MatchString(s.Value) {
		s.Token.Type = token.DoubleQuoteType
	}
	return q
}

// JSON is the resolved profile as indented JSON (`hardrun profiles show
// --format json`), with the same keys as YAML.
func (p *Profile) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(p.shown(), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// shown is what YAML and JSON print: Extends names where the values came
// from, which is history, not content. A shallow copy: it is only read.
func (p *Profile) shown() *Profile {
	c := *p
	c.Extends = ""
	return &c
}

// hash is the hex SHA-256 of JSON(): two profiles with the same content
// and name have the same hash, wherever they were loaded from.
func (p *Profile) hash() string {
	b, err := p.JSON()
	if err != nil {
		panic("profiles: cannot encode a profile as JSON: " + err.Error()) // only strings, bools, ints
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
