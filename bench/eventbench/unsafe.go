package main

import "unsafe"

// unsafePointer passes a Go byte slice to a raw system call.
func unsafePointer(b []byte) unsafe.Pointer { return unsafe.Pointer(&b[0]) }
