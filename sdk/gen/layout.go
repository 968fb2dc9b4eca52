package gen

import (
	"github.com/cilium/ebpf/btf"
)

// field is one piece of a struct's layout: a member, or padding (Member nil).
type field struct {
	Member *btf.Member
	Offset uint32 // bytes
	Size   uint32
}

// layout lists s's members in offset order with the gaps between them, and
// after the last one, as padding, so that the pieces cover the struct's size
// exactly. Bitfields cannot be spelled byte for byte: the bytes they share
// become padding.
func layout(s *btf.Struct) []field {
	var out []field
	var at uint32
	for i := range s.Members {
		m := &s.Members[i]
		if m.BitfieldSize != 0 || m.Offset%8 != 0 {
			continue
		}
		off := uint32(m.Offset / 8)
		size, err := btf.Sizeof(m.Type)
		if err != nil || off < at {
			continue
		}
		if off > at {
			out = append(out, field{Offset: at, Size: off - at})
		}
		out = append(out, field{Member: m, Offset: off, Size: uint32(size)})
		at = off + uint32(size)
	}
	if s.Size > at {
		out = append(out, field{Offset: at, Size: s.Size - at})
	}
	return out
}
