package launcher

import (
	"testing"

	"github.com/moby/moby/api/types/image"
)

func TestPlatformMismatch(t *testing.T) {
	amd64 := image.InspectResponse{Os: "linux", Architecture: "amd64"}
	armv7 := image.InspectResponse{Os: "linux", Architecture: "arm", Variant: "v7"}
	cases := []struct {
		name string
		img  image.InspectResponse
		want string
		diff bool
	}{
		{"no --platform", amd64, "", false},
		{"same", amd64, "linux/amd64", false},
		{"os only", amd64, "linux", false},
		{"other arch", amd64, "linux/arm64", true},
		{"other os", amd64, "windows/amd64", true},
		{"x86_64 spelling", amd64, "linux/x86_64", false},
		{"case", amd64, "Linux/AMD64", false},
		{"variant", armv7, "linux/arm/v6", true},
		{"no variant asked", armv7, "linux/arm", false},
		{"image without platform", image.InspectResponse{}, "linux/arm64", false},
		{"unreadable platform", amd64, "a/b/c/d", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := platformMismatch(c.img, c.want); got != c.diff {
				t.Errorf("platformMismatch(%s/%s/%s, %q) = %v", c.img.Os, c.img.Architecture, c.img.Variant, c.want, got)
			}
		})
	}
}
