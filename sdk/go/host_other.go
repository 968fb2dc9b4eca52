//go:build !wasip1

package wasmbpf

// Outside a wasip1 guest there is no wasm_bpf host: every call fails with
// ENOSYS, which the exported API reports as ErrNoHost.

const enosys = -38

func hostLoad([]byte) uint64                                             { return 0 }
func hostAttach(uint64, string, string) int32                            { return enosys }
func hostMapFD(uint64, string) int32                                     { return enosys }
func hostMapOperate(int32, mapCmd, []byte, []byte, []byte, uint64) int32 { return enosys }
func hostClose(uint64) int32                                             { return enosys }
func hostPoll(uint64, int32, uint32, []byte, int32) int32                { return enosys }

// hasHost reports whether the host calls are real.
const hasHost = false
