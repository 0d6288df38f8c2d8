package imagetrust

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestParseSignatureManifestRefuses(t *testing.T) {
	sig := base64.StdEncoding.EncodeToString([]byte("sig"))
	layer := func(mt, digest, size, ann string) string {
		return `{"mediaType":"` + mt + `","digest":"` + digest + `","size":` + size + `,"annotations":{"` + SignatureAnnotation + `":"` + ann + `"}}`
	}
	manifest := func(layers ...string) string {
		return `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[` + strings.Join(layers, ",") + `]}`
	}
	for _, tc := range []struct{ name, m, want string }{
		{"not JSON", "{", "unexpected end"},
		{"schema 1", `{"schemaVersion":1}`, "not an image manifest"},
		{"an index", `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"}`, "not an image manifest"},
		{"no layers", manifest(), "no " + SignatureLayerType},
		{"other layers only", manifest(layer("application/vnd.oci.image.layer.v1.tar", testDigest, "10", sig)), "no " + SignatureLayerType},
		{"bad digest", manifest(layer(SignatureLayerType, "sha256:xyz", "10", sig)), "want sha256:<64 hex>"},
		{"oversized payload", manifest(layer(SignatureLayerType, testDigest, "70000", sig)), "payload size 70000"},
		{"zero size", manifest(layer(SignatureLayerType, testDigest, "0", sig)), "payload size 0"},
		{"no signature", manifest(layer(SignatureLayerType, testDigest, "10", "")), "no " + SignatureAnnotation},
		{"bad base64", manifest(layer(SignatureLayerType, testDigest, "10", "!!!")), "illegal base64"},
		{"huge signature", manifest(layer(SignatureLayerType, testDigest, "10", strings.Repeat("A", 4000))), "longer than"},
		{"too many layers", manifest(strings.Split(strings.Repeat(layer(SignatureLayerType, testDigest, "10", sig)+"|", MaxLayers+1), "|")[:MaxLayers+1]...), "more than 64"},
		{"huge manifest", strings.Repeat(" ", MaxManifestBytes+1), "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSignatureManifest([]byte(tc.m))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error saying %q, got %v", tc.want, err)
			}
		})
	}
}

func TestCheckPayload(t *testing.T) {
	ok := `{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"` + testDigest + `"},"type":"` + PayloadType + `"},"optional":null}`
	if err := CheckPayload([]byte(ok), testDigest); err != nil {
		t.Fatalf("valid payload: %v", err)
	}
	for _, tc := range []struct{ name, p, want string }{
		{"other digest", ok, "not " + otherDigest},
		{"no critical", `{"optional":{}}`, "no critical"},
		{"no image", `{"critical":{"type":"` + PayloadType + `"}}`, `names ""`},
		{"array", `[]`, "cannot unmarshal"},
		{"trailing data", ok + `{}`, "after the JSON value"},
		{"deep", strings.Repeat("[", 40) + strings.Repeat("]", 40), "nested deeper"},
		{"duplicate optional key", `{"critical":{"image":{"docker-manifest-digest":"` + otherDigest + `"},"type":"` + PayloadType + `"},"optional":{"a":1,"a":2}}`, "twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPayload([]byte(tc.p), otherDigest)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error saying %q, got %v", tc.want, err)
			}
		})
	}
}

func FuzzParseSignatureManifest(f *testing.F) {
	std := StandardPayload(testRepo.String(), testDigest)
	f.Add(manifestOf(sigLayer{std, []byte("sig")}))
	f.Add([]byte(`{"schemaVersion":2,"layers":[{"mediaType":"` + SignatureLayerType + `","digest":"` + testDigest + `","size":1,"annotations":{"` + SignatureAnnotation + `":"AA=="}}]}`))
	f.Add([]byte(`{"schemaVersion":2,"layers":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		layers, err := ParseSignatureManifest(b)
		if err != nil {
			return
		}
		if len(layers) == 0 || len(layers) > MaxLayers {
			t.Fatalf("%d layers accepted", len(layers))
		}
		for _, l := range layers {
			if !validDigest(l.Digest) || l.Size <= 0 || l.Size > MaxPayloadBytes || len(l.Signature) == 0 || len(l.Signature) > MaxSignatureBytes {
				t.Fatalf("accepted layer out of bounds: %+v", l)
			}
		}
	})
}

func FuzzCheckPayload(f *testing.F) {
	f.Add(StandardPayload(testRepo.String(), testDigest))
	f.Add([]byte(`{"critical":{"image":{"docker-manifest-digest":"` + testDigest + `"},"image":{},"type":"` + PayloadType + `"}}`))
	f.Add([]byte(`{"critical":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if CheckPayload(b, testDigest) != nil {
			return
		}
		// Accepted: it binds this digest and no other.
		if CheckPayload(b, otherDigest) == nil {
			t.Fatalf("one payload binds two digests: %q", b)
		}
	})
}

func FuzzParseChallenge(f *testing.F) {
	f.Add(`Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"`)
	f.Add(`Basic realm="x\"y"`)
	f.Add(`Bearer realm=https://a,service=b`)
	f.Fuzz(func(t *testing.T, h string) {
		_, _ = ParseChallenge(h)
	})
}
