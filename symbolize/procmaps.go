package symbolize

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// mapping is one executable line of /proc/PID/maps.
type mapping struct {
	start, end, offset uint64
	dev                string // "major:minor" in hex, as maps prints it
	inode              uint64
	path               string // "" for an anonymous mapping
	deleted            bool   // the file was removed after it was mapped
}

// module names the mapping in frames: the file's base name, or the pseudo
// path such as "[vdso]"; "" for an anonymous mapping.
func (m *mapping) module() string {
	if strings.HasPrefix(m.path, "[") {
		return m.path
	}
	if m.path == "" {
		return ""
	}
	return filepath.Base(m.path)
}

// readMaps reads the executable mappings of a process.
func readMaps(pid int) ([]mapping, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseMaps(f)
}

// parseMaps parses the executable mappings of a maps listing, whose lines
// look like "7f2c1e028000-7f2c1e1bd000 r-xp 00028000 08:01 1837 /usr/lib/libc.so.6".
func parseMaps(r io.Reader) ([]mapping, error) {
	var maps []mapping
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		var fields [5]string
		for i := range fields {
			fields[i], line, _ = strings.Cut(strings.TrimLeft(line, " "), " ")
		}
		if len(fields[1]) < 3 || fields[1][2] != 'x' {
			continue
		}
		lo, hi, _ := strings.Cut(fields[0], "-")
		m := mapping{dev: fields[3], path: strings.TrimLeft(line, " ")}
		var errs [4]error
		m.start, errs[0] = strconv.ParseUint(lo, 16, 64)
		m.end, errs[1] = strconv.ParseUint(hi, 16, 64)
		m.offset, errs[2] = strconv.ParseUint(fields[2], 16, 64)
		m.inode, errs[3] = strconv.ParseUint(fields[4], 10, 64)
		if errs != [4]error{} {
			return nil, fmt.Errorf("parse maps line %q: unexpected format", sc.Text())
		}
		m.path, m.deleted = strings.CutSuffix(m.path, " (deleted)")
		maps = append(maps, m)
	}
	return maps, sc.Err()
}

// findMapping returns the mapping that holds addr; maps lists mappings in
// address order, as the kernel does.
func findMapping(maps []mapping, addr uint64) (*mapping, bool) {
	i, found := slices.BinarySearchFunc(maps, addr, func(m mapping, a uint64) int { return cmp.Compare(m.start, a) })
	if !found {
		i--
	}
	if i < 0 || addr >= maps[i].end {
		return nil, false
	}
	return &maps[i], true
}
