package attach

import (
	"bufio"
	"os"
	"strings"
)

// mountPoint returns where a filesystem of type fstype is mounted whole (its root
// at the mount point), the first such mount in /proc/self/mountinfo, or "" when
// there is none.
func mountPoint(fstype string) string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	for sc := bufio.NewScanner(f); sc.Scan(); {
		// Fields: id parent major:minor root mountpoint options... - fstype source super.
		line := sc.Text()
		_, after, ok := strings.Cut(line, " - ")
		fields := strings.Fields(line)
		if ok && len(fields) > 4 && fields[3] == "/" && strings.HasPrefix(after, fstype+" ") {
			return fields[4]
		}
	}
	return ""
}
