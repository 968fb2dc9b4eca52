package symbolize

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
)

// vdso is the pseudo path of the kernel's virtual shared object, an ELF
// image that exists only in memory.
const vdso = "[vdso]"

// openMapped reads the symbols of the file behind mapping m of process pid.
// The process's own root comes first (its path may mean another file in
// ours, e.g. in a container); map_files serves a file that was deleted or
// replaced since it was mapped.
func openMapped(pid int, m *mapping) (*elfSymbols, error) {
	if m.path == vdso {
		return readVDSO(pid, m)
	}
	if strings.HasPrefix(m.path, "[") {
		return nil, fmt.Errorf("%s is not a file", m.path)
	}
	if !m.deleted {
		f, err := os.Open(fmt.Sprintf("/proc/%d/root%s", pid, m.path))
		if err == nil {
			defer f.Close()
			if fi, err := f.Stat(); err == nil && inode(fi) == m.inode {
				return readELF(f)
			}
		}
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/map_files/%x-%x", pid, m.start, m.end))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readELF(f)
}

// inode returns a file's inode number.
func inode(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ino
	}
	return 0
}

// readVDSO reads the vDSO's symbols from the process's memory, where the
// whole image, section headers included, is mapped.
func readVDSO(pid int, m *mapping) (*elfSymbols, error) {
	mem, err := os.Open(fmt.Sprintf("/proc/%d/mem", pid))
	if err != nil {
		return nil, err
	}
	defer mem.Close()
	image := make([]byte, m.end-m.start)
	if _, err := mem.ReadAt(image, int64(m.start)); err != nil {
		return nil, errors.Join(errors.New("read the vDSO"), err)
	}
	return readELF(bytes.NewReader(image))
}
