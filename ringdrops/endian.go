package ringdrops

import "encoding/binary"

// nativeUint64 reads a counter as the kernel wrote it (little-endian on the
// architectures nomia runs on).
func nativeUint64(b []byte) uint64 { return binary.NativeEndian.Uint64(b) }
