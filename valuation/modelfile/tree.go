package modelfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// node is one JSON value with its path. Objects keep their keys in order and never twice.
type node struct {
	path  string
	kind  byte   // '{', '[', 's' string, 'n' number, 'b' bool, '0' null
	text  string // of a string or number
	b     bool
	keys  []string
	vals  []*node
	elems []*node
}

// maxDepth bounds nesting: the formats need 8 levels.
const maxDepth = 32

// readAll reads r up to limit bytes; more is ErrTooLarge.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, &Error{Err: fmt.Errorf("%w: %w", ErrSyntax, err)}
	}
	if int64(len(b)) > limit {
		return nil, &Error{Path: fmt.Sprintf("above %d bytes", limit), Err: ErrTooLarge}
	}
	return b, nil
}

// parse reads one JSON document strictly: no duplicate keys, no trailing data, at most
// maxDepth levels.
func parse(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := parseValue(dec, "$", 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &Error{Path: fmt.Sprintf("$ (byte %d)", dec.InputOffset()), Err: fmt.Errorf("%w: data after the document", ErrSyntax)}
	}
	return n, nil
}

func parseValue(dec *json.Decoder, path string, depth int) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, &Error{Path: fmt.Sprintf("%s (byte %d)", path, dec.InputOffset()), Err: fmt.Errorf("%w: %w", ErrSyntax, err)}
	}
	n := &node{path: path}
	switch t := tok.(type) {
	case json.Delim:
		if depth >= maxDepth {
			return nil, &Error{Path: path, Err: fmt.Errorf("%w: nested deeper than %d", ErrSyntax, maxDepth)}
		}
		if t == '[' {
			n.kind = '['
			for dec.More() {
				e, err := parseValue(dec, fmt.Sprintf("%s[%d]", path, len(n.elems)), depth+1)
				if err != nil {
					return nil, err
				}
				n.elems = append(n.elems, e)
			}
		} else {
			n.kind = '{'
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, &Error{Path: path, Err: fmt.Errorf("%w: %w", ErrSyntax, err)}
				}
				k := kt.(string) // the decoder returns only strings in key position
				if seen[k] {
					return nil, &Error{Path: childPath(path, k), Err: ErrDuplicateKey}
				}
				seen[k] = true
				v, err := parseValue(dec, childPath(path, k), depth+1)
				if err != nil {
					return nil, err
				}
				n.keys, n.vals = append(n.keys, k), append(n.vals, v)
			}
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, &Error{Path: path, Err: fmt.Errorf("%w: %w", ErrSyntax, err)}
		}
	case string:
		n.kind, n.text = 's', t
	case json.Number:
		n.kind, n.text = 'n', string(t)
	case bool:
		n.kind, n.b = 'b', t
	case nil:
		n.kind = '0'
	}
	return n, nil
}

// childPath appends an object key to a path: $.plan.years, or $.users["2021"] for keys
// that are not identifiers.
func childPath(path, key string) string {
	ident := key != ""
	for i, r := range key {
		ident = ident && (r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9')
	}
	if ident {
		return path + "." + key
	}
	return path + "[" + strconv.Quote(key) + "]"
}

func (n *node) typeName() string {
	return map[byte]string{'{': "object", '[': "array", 's': "string", 'n': "number", 'b': "boolean", '0': "null"}[n.kind]
}

func (n *node) wrongType(want string) error {
	if want == "decimal string" && n.kind == 'n' {
		return &Error{Path: n.path, Err: fmt.Errorf("%w: %s", ErrNumber, n.text)}
	}
	return &Error{Path: n.path, Err: fmt.Errorf("%w: %s, want %s", ErrType, n.typeName(), want)}
}
