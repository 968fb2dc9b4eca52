// Package cache is nomia's local, content-addressed store of pulled packages.
//
// Blobs live under blobs/sha256/HEX and are written only through Push, which
// checks the size and digest of every byte on the way in and renames a complete
// temporary file into place, so an interrupted pull leaves nothing half written
// and a blob's name is always the digest of its content. References (an OCI tag,
// an OCI digest reference or a URL) are small JSON files under refs/ that point
// at a descriptor; Remove drops a reference and the blobs nothing else needs.
//
// A Store implements oras-go's Target (Fetch, Push, Exists, Resolve, Tag), so
// oras.Copy can pull straight into it.
package cache
