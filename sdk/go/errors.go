package wasmbpf

import (
	"errors"
	"fmt"
	"syscall"
)

// Errno is an error number a host call returned (as -errno).
type Errno int32

// Error spells the error number the way the kernel's strerror does.
func (e Errno) Error() string {
	return fmt.Sprintf("%v (errno %d)", syscall.Errno(e), int32(e))
}

// Is lets errors.Is match ErrKeyNotExist and ErrNoHost.
func (e Errno) Is(target error) bool {
	switch target {
	case ErrKeyNotExist:
		return e == errnoENOENT
	case ErrNoHost:
		return e == errnoENOSYS
	}
	return false
}

const (
	errnoENOENT = 2
	errnoENOSYS = 38
)

var (
	// ErrKeyNotExist is returned by lookups and deletes of a missing key, and by
	// NextKey after the last key.
	ErrKeyNotExist = errors.New("key does not exist")
	// ErrNoHost is returned when no wasm_bpf host answers: the program is not
	// running as a wasip1 guest of nomia or wasm-bpf.
	ErrNoHost = errors.New("no wasm_bpf host: run the module with `nomia run MODULE.wasm`")
)

// result turns a host call's result (0 or -errno) into an error.
func result(rc int32) error {
	if rc >= 0 {
		return nil
	}
	return Errno(-rc)
}

// isNotExist reports whether err is ErrKeyNotExist.
func isNotExist(err error) bool { return errors.Is(err, ErrKeyNotExist) }
