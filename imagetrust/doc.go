// Package imagetrust verifies that an image's registry digest carries a
// cosign signature by one of a set of public keys, offline: no
// transparency log, no network beyond the image's own registry.
//
// A cosign signature of digest sha256:<hex> lives in the same repository
// as the image, as the manifest tagged sha256-<hex>.sig. Each of its
// layers is a "simple signing" JSON payload
//
//	{"critical":{"identity":{"docker-reference":"REPO"},
//	  "image":{"docker-manifest-digest":"sha256:<hex>"},
//	  "type":"cosign container image signature"},"optional":null}
//
// with the base64 signature over the payload's bytes in the layer
// annotation dev.cosignproject.cosign/signature. A digest is verified when
// one layer's payload names exactly that digest and type and its
// signature verifies with one of the keys (ECDSA P-256/384/521, Ed25519,
// RSA ≥ 2048 bits, in PEM "PUBLIC KEY" form as cosign writes them).
//
// Files: keys.go (loading and fingerprinting keys), signature.go (the pure
// manifest and payload parsers and the signature check; fuzzed),
// verify.go (the resolve-free verification of one digest), cache.go (the
// on-disk cache of verifications by digest and key set), registry.go (the
// Registry interface and its net/http implementation: manifests, blobs,
// bearer and basic auth, insecure loopback registries).
//
// The package uses only the standard library (and the Docker reference
// grammar hardrun already links): see the README for why not
// go-containerregistry, sigstore-go or cosign's own packages. Nothing here
// runs at process start: a launch under a profile without keys never
// touches it.
package imagetrust
