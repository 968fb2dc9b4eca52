// Package version holds the nomia release, written into every package it builds
// and printed by `nomia version`.
package version

// Version is the nomia release.
const Version = "0.1.0"
