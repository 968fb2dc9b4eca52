package registry

import (
	"fmt"
	"net"
	"strings"

	"oras.land/oras-go/v2/registry"
)

// ParseReference reads an OCI reference such as localhost:5000/tools/x:v1,
// ghcr.io/org/x or ghcr.io/org/x@sha256:HEX. Unlike docker, it wants the
// registry host spelled out (a first component with a "." or ":", or
// "localhost"): a short name is never sent to a registry nobody named, so a
// mistyped file name cannot become a Docker Hub lookup. A missing tag means
// "latest".
func ParseReference(s string) (registry.Reference, error) {
	host, _, ok := strings.Cut(s, "/")
	if !ok || !hasHost(host) {
		return registry.Reference{}, fmt.Errorf("%q has no registry host (write it as HOST[:PORT]/NAME[:TAG], e.g. localhost:5000/%s)", s, strings.TrimPrefix(s, "/"))
	}
	ref, err := registry.ParseReference(s)
	if err != nil {
		return registry.Reference{}, fmt.Errorf("%q is not an OCI reference: %v", s, unwrapOras(err))
	}
	if ref.Reference == "" {
		ref.Reference = "latest"
	}
	return ref, nil
}

func hasHost(h string) bool {
	return h == "localhost" || strings.ContainsAny(h, ".:") && !strings.HasPrefix(h, ".")
}

// unwrapOras drops oras-go's "invalid reference: " prefix chain down to the
// last, most specific reason.
func unwrapOras(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// IsDigest says whether ref names its manifest by digest rather than by tag.
func IsDigest(ref registry.Reference) bool {
	_, err := ref.Digest()
	return err == nil
}

// isLoopback says whether a registry host (with or without port) is this
// machine, where plain HTTP exposes nothing.
func isLoopback(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
