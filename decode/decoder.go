package decode

import (
	"fmt"

	"github.com/cilium/ebpf/btf"
)

// Decoder decodes records of one BTF type. It is immutable after New and safe for
// concurrent use.
type Decoder struct {
	name   string
	size   int
	ops    []op
	fields []Field
	starts []int // starts[i] is the index in ops of fields[i]'s step
}

// Field describes one top-level field of a decoded type, as a table column sees it.
// Members of anonymous structs and unions appear here as fields of their own.
type Field struct {
	Name   string
	Offset int      // byte offset in the record (of the bytes holding a bitfield)
	Size   int      // bytes the field occupies (those holding a bitfield)
	Type   btf.Type // the member's declared type, typedefs included
	// Width is the widest text the field's type can print in a table cell, e.g. 16
	// for char[16] and 10 for a u32; 0 when the type sets no useful bound (nested
	// structs, arrays). Tables widen a column when a value needs more.
	Width int
}

// New compiles a decoding plan for t, usually the struct a BPF program writes into a
// ring or perf buffer. Any type with a size can be decoded; types without one (Fwd,
// void, functions, variables) are an error naming the type.
func New(t btf.Type) (*Decoder, error) {
	if t == nil {
		return nil, fmt.Errorf("decode: no type given; pass the BTF type of the event struct")
	}
	size, err := btf.Sizeof(t)
	if err != nil {
		return nil, fmt.Errorf("decode: type %s has no size (%v); an event type must be a complete struct, union or scalar", describe(t), err)
	}
	d := &Decoder{name: typeName(t), size: size}
	c := compiler{d: d}
	if _, ok := membersOf(t); ok {
		err = c.scope(t, 0, 0, true, true)
	} else {
		err = c.field("value", t, 0, 0, 0, true, true)
	}
	if err != nil {
		return nil, fmt.Errorf("decode: type %s: %w", describe(t), err)
	}
	return d, nil
}

// Name returns the type's name, e.g. "event"; for an anonymous struct reached through
// a typedef, the typedef's name.
func (d *Decoder) Name() string { return d.name }

// Size returns the type's size in bytes: what a full record holds.
func (d *Decoder) Size() int { return d.size }

// Fields returns the top-level fields in struct order. The slice is shared: do not
// modify it.
func (d *Decoder) Fields() []Field { return d.fields }

// typeName names t for users: its own name, or that of the first named type reached by
// following typedefs and qualifiers.
func typeName(t btf.Type) string {
	for i := 0; t != nil && i < maxDepth; i++ {
		if n := t.TypeName(); n != "" {
			return n
		}
		next := btf.QualifiedType(t)
		if next == t {
			break
		}
		t = next
	}
	return ""
}

// describe names t with its kind for error messages, e.g. "struct event".
func describe(t btf.Type) string {
	switch t.(type) {
	case *btf.Struct:
		return "struct " + quoteName(t.TypeName())
	case *btf.Union:
		return "union " + quoteName(t.TypeName())
	case *btf.Enum:
		return "enum " + quoteName(t.TypeName())
	case *btf.Fwd:
		return "forward declaration " + quoteName(t.TypeName())
	case *btf.Void:
		return "void"
	case *btf.Func:
		return "function " + quoteName(t.TypeName())
	case *btf.FuncProto:
		return "function prototype"
	case *btf.Var:
		return "variable " + quoteName(t.TypeName())
	case *btf.Datasec:
		return "section " + quoteName(t.TypeName())
	}
	if n := t.TypeName(); n != "" {
		return quoteName(n)
	}
	return fmt.Sprintf("%T", t)
}

func quoteName(n string) string {
	if n == "" {
		return "(anonymous)"
	}
	return n
}
