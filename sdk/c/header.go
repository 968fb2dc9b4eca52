// Package csdk holds the C guest SDK: libbpf-wasm.h, the libbpf subset a C
// wasm-bpf guest is written against, which `nomia build --wasm` puts on the
// include path of C guests beside the generated NAME.skel.h.
package csdk

import _ "embed"

// Header is the text of libbpf-wasm.h.
//
//go:embed libbpf-wasm.h
var Header string

// HeaderName is the file name guests and skeletons include.
const HeaderName = "libbpf-wasm.h"
