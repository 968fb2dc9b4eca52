// Package templates writes new nomia projects: `nomia init NAME` gives a
// directory holding NAME.bpf.c, its header and a README that says how to build
// and run it.
//
// Each template is a small, real program written the way nomia expects kernel
// code: no user space (nomia run is the user space; only the wasm template
// brings its own, in Go for WebAssembly), `const volatile` globals with `///`
// doc comments that become flags, and event structs in a header that nomia
// finds on its own.
// The files are embedded in the binary, so init works offline and anywhere.
package templates
