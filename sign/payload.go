package sign

import (
	"encoding/json"
	"fmt"

	"github.com/opencontainers/go-digest"
	"oras.land/oras-go/v2/registry"
)

// SignatureType is the value of critical.type in every cosign payload.
const SignatureType = "cosign container image signature"

// Payload is the "simple signing" document a cosign signature signs
// (containers/image's signature format as sigstore's payload package
// defines it). Field order and names match sigstore's structs, so
// encoding/json writes the same bytes cosign does for the same input.
type Payload struct {
	Critical Critical       `json:"critical"`
	Optional map[string]any `json:"optional"`
}

// Critical is the part of a payload a verifier must check.
type Critical struct {
	Identity Identity `json:"identity"`
	Image    Image    `json:"image"`
	Type     string   `json:"type"`
}

// Identity is the repository the signer claims the artifact lives in.
type Identity struct {
	DockerReference string `json:"docker-reference"`
}

// Image names the signed manifest by digest.
type Image struct {
	DockerManifestDigest string `json:"docker-manifest-digest"`
}

// NewPayload is the payload cosign writes when signing manifest in
// repository repoRef (a tag or digest on repoRef is dropped, as cosign
// records the repository only). optional may be nil.
func NewPayload(repoRef string, manifest digest.Digest, optional map[string]any) ([]byte, error) {
	repo, err := repositoryName(repoRef)
	if err != nil {
		return nil, err
	}
	if err := manifest.Validate(); err != nil {
		return nil, fmt.Errorf("manifest digest %q: %v", manifest, err)
	}
	return json.Marshal(Payload{
		Critical: Critical{
			Identity: Identity{DockerReference: repo},
			Image:    Image{DockerManifestDigest: manifest.String()},
			Type:     SignatureType,
		},
		Optional: optional,
	})
}

// ParsePayload decodes a signed payload and checks its shape: a JSON object
// of type SignatureType naming a valid manifest digest. It does not check
// which digest; Verify does.
func ParsePayload(data []byte) (*Payload, error) {
	var p Payload
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("signed payload is not cosign's JSON: %v", err)
	}
	if p.Critical.Type != SignatureType {
		return nil, fmt.Errorf("signed payload has type %q, want %q", p.Critical.Type, SignatureType)
	}
	if err := digest.Digest(p.Critical.Image.DockerManifestDigest).Validate(); err != nil {
		return nil, fmt.Errorf("signed payload names no valid manifest digest (%q): %v", p.Critical.Image.DockerManifestDigest, err)
	}
	return &p, nil
}

// Digest is the manifest digest the payload signs.
func (p *Payload) Digest() digest.Digest {
	return digest.Digest(p.Critical.Image.DockerManifestDigest)
}

// repositoryName is "registry/repository" of an OCI reference such as
// "localhost:5000/tools/opensnoop:v1".
func repositoryName(repoRef string) (string, error) {
	ref, err := registry.ParseReference(repoRef)
	if err != nil {
		return "", fmt.Errorf("repository %q: %v: expected REGISTRY/REPOSITORY[:TAG]", repoRef, err)
	}
	return ref.Registry + "/" + ref.Repository, nil
}
