package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// cosignVersion is the cosign the image-trust tests sign with: built from
// the Go module proxy, then cached in the Go build cache and GOPATH/bin.
const cosignVersion = "v2.6.5"

// cosignBinary builds cosign (about 3 minutes on 2 cores the first time).
// Outside CI, a module proxy that cannot be reached is a skip that says so.
func cosignBinary(t *testing.T) string {
	t.Helper()
	gopath, err := exec.Command("go", "env", "GOPATH").Output()
	if err != nil {
		t.Fatalf("go env GOPATH: %v", err)
	}
	gobin := filepath.Join(strings.TrimSpace(string(gopath)), "bin")
	dir := filepath.Join(gobin, "cosign-"+cosignVersion)
	bin := filepath.Join(dir, "cosign")
	// One already installed (here, or by hand in GOPATH/bin) at this version.
	for _, b := range []string{bin, filepath.Join(gobin, "cosign")} {
		if out, err := exec.Command(b, "version").CombinedOutput(); err == nil && strings.Contains(string(out), cosignVersion) {
			return b
		}
	}
	cmd := exec.Command("go", "install", "github.com/sigstore/cosign/v2/cmd/cosign@"+cosignVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-buildvcs=false")
	out, err := cmd.CombinedOutput()
	if err == nil {
		return bin
	}
	msg := fmt.Sprintf("build cosign %s from the module proxy: %v\n%s", cosignVersion, err, out)
	unreachable := strings.Contains(string(out), "dial tcp") || strings.Contains(string(out), "no such host") ||
		strings.Contains(string(out), "proxy.golang.org") || strings.Contains(string(out), "connection refused")
	if unreachable && !inCI {
		t.Skip("module proxy unreachable: " + msg)
	}
	t.Fatal(msg)
	return ""
}

// cosign runs cosign with an empty key password and its own home.
func cosign(t *testing.T, bin, home string, args ...string) cmdResult {
	t.Helper()
	return runCmd(t, "", []string{"COSIGN_PASSWORD=", "HOME=" + home}, bin, args...)
}

// trustFixture is a registry with images signed by one key, another key,
// and a profile that trusts the first key for 127.0.0.1:5000/hardrun-test/*.
type trustFixture struct {
	reg           *registry
	cosign, home  string
	key, otherKey string // private keys; their .pub beside them
	profile       string
	cache         string // XDG_CACHE_HOME for hardrun
}

func newTrustFixture(t *testing.T) *trustFixture {
	t.Helper()
	requireEngine(t)
	f := &trustFixture{cosign: cosignBinary(t), home: t.TempDir(), cache: t.TempDir()}
	f.reg = startRegistry(t, registryConfig{port: 5000})
	f.key, f.otherKey = f.keyPair(t, "trusted"), f.keyPair(t, "other")
	f.profile = filepath.Join(t.TempDir(), "trusted.yaml")
	yaml := fmt.Sprintf("version: 1\nextends: default\nimages:\n  allow: [\"%s/hardrun-test/*\"]\n  signatures:\n    keys: [%s]\n",
		f.reg.Host, f.key+".pub")
	if err := os.WriteFile(f.profile, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *trustFixture) keyPair(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(f.home, name)
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, "", []string{"COSIGN_PASSWORD=", "HOME=" + f.home}, "sh", "-c", "cd "+dir+" && exec "+f.cosign+" generate-key-pair")
	if r.Code != 0 {
		t.Fatalf("cosign generate-key-pair: %s", r)
	}
	return filepath.Join(dir, "cosign") // cosign.key, cosign.pub
}

// image pushes a new image (script run in hardrun-test/root) as ref and
// returns its digest; key, if set, signs that digest.
func (f *trustFixture) image(t *testing.T, ref, script, key string) string {
	t.Helper()
	commitImage(t, ref, script)
	digest := push(t, ref, ref)
	if key != "" {
		f.sign(t, ref, digest, key)
	}
	return digest
}

func (f *trustFixture) sign(t *testing.T, ref, digest, key string) {
	t.Helper()
	name := ref[:strings.LastIndex(ref, ":")] // the repository: ref's tag off
	r := cosign(t, f.cosign, f.home, "sign", "--key", key+".key", "--tlog-upload=false", "--allow-insecure-registry", "-y", name+"@"+digest)
	if r.Code != 0 {
		t.Fatalf("cosign sign: %s", r)
	}
	// The reference verifier agrees before hardrun is asked.
	if v := cosign(t, f.cosign, f.home, "verify", "--key", key+".pub", "--insecure-ignore-tlog", "--allow-insecure-registry", name+"@"+digest); v.Code != 0 {
		t.Fatalf("cosign verify: %s", v)
	}
}

// hardrun runs hardrun under the trusting profile with its own cache.
func (f *trustFixture) hardrun(t *testing.T, args ...string) cmdResult {
	t.Helper()
	return runCmd(t, "", []string{"XDG_CACHE_HOME=" + f.cache}, hardrunBin, args...)
}

// assertRefused: exit 125, one line naming key, nothing created.
func assertRefused(t *testing.T, r cmdResult, key, why string) {
	t.Helper()
	if r.Code != 125 || strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, key) || !strings.Contains(r.Stderr, why) {
		t.Errorf("want exit 125 and one line naming %s and saying %q, got %s", key, why, r)
	}
	if ids := containersOf(t); len(ids) != 0 {
		t.Errorf("a container was created: %v", ids)
	}
}

func TestImageTrust(t *testing.T) {
	f := newTrustFixture(t)
	host := f.reg.Host
	signed := host + "/hardrun-test/signed:1"
	signedDigest := f.image(t, signed, "echo signed > /marker", f.key)
	pinned := host + "/hardrun-test/signed@" + signedDigest

	t.Run("signed runs", func(t *testing.T) {
		r := f.hardrun(t, "run", "--rm", "--profile", f.profile, labelled(t), signed, "cat", "/marker")
		if r.Code != 0 || r.Stdout != "signed\n" {
			t.Fatalf("want the signed image to run, got %s", r)
		}
		assertContainsAll(t, r.Stderr, "Unable to find image '"+pinned+"' locally\n", "Digest: "+signedDigest+"\n")
	})
	t.Run("container runs the verified image", func(t *testing.T) {
		r := f.hardrun(t, "create", "--profile", f.profile, labelled(t), signed, "true")
		id := strings.TrimSpace(r.Stdout)
		if r.Code != 0 || id == "" {
			t.Fatalf("create: %s", r)
		}
		defer runDocker(t, "rm", "-f", id)
		got := mustDocker(t, "inspect", "--format", `{{.Image}} {{.Config.Image}} {{index .Config.Labels "io.hardrun.image.verified"}}`, id).Stdout
		wantID := strings.TrimSpace(mustDocker(t, "image", "inspect", "--format", "{{.Id}}", pinned).Stdout)
		if want := wantID + " " + pinned + " " + signedDigest + "\n"; got != want {
			t.Errorf("container: got %q, want %q", got, want)
		}
		a := f.hardrun(t, "audit", "--profile", f.profile, "--format", "json", id)
		if strings.Contains(a.Stdout, `"images.signatures.keys"`) {
			t.Errorf("audit reports the verified container unverified: %s", a)
		}
	})
	t.Run("pull never with the verified digest present", func(t *testing.T) {
		r := f.hardrun(t, "run", "--rm", "--pull", "never", "--profile", f.profile, labelled(t), pinned, "cat", "/marker")
		if r.Code != 0 || r.Stdout != "signed\n" {
			t.Fatalf("want the present, verified digest to run, got %s", r)
		}
	})
	t.Run("explain names the key", func(t *testing.T) {
		r := f.hardrun(t, "explain", "--profile", f.profile, signed, "true")
		if r.Code != 0 {
			t.Fatalf("explain: %s", r)
		}
		assertContainsAll(t, r.Stdout, "images.signatures.keys", "verified by "+f.key+".pub (sha256:", pinned,
			"io.hardrun.image.verified="+signedDigest)
	})
	t.Run("unsigned refused", func(t *testing.T) {
		ref := host + "/hardrun-test/unsigned:1"
		f.image(t, ref, "echo unsigned > /marker", "")
		assertRefused(t, f.hardrun(t, "run", "--rm", "--profile", f.profile, labelled(t), ref, "true"),
			"images.signatures.keys", "not signed: no signature manifest")
		if imageExists(t, ref) {
			t.Error("the refused image was pulled")
		}
	})
	t.Run("another key refused", func(t *testing.T) {
		ref := host + "/hardrun-test/otherkey:1"
		f.image(t, ref, "echo other > /marker", f.otherKey)
		assertRefused(t, f.hardrun(t, "run", "--rm", "--profile", f.profile, labelled(t), ref, "true"),
			"images.signatures.keys", "by none of the keys")
	})
	t.Run("moved tag refused", func(t *testing.T) {
		ref := host + "/hardrun-test/moved:1"
		f.image(t, ref, "echo first > /marker", f.key)
		if r := f.hardrun(t, "run", "--rm", "--profile", f.profile, labelled(t), ref, "cat", "/marker"); r.Code != 0 {
			t.Fatalf("the signed tag: %s", r)
		}
		f.image(t, ref, "echo moved > /marker", "") // the tag now names an unsigned image
		assertRefused(t, f.hardrun(t, "run", "--rm", "--profile", f.profile, labelled(t), ref, "cat", "/marker"),
			"images.signatures.keys", "not signed")
	})
	t.Run("registry outside images.allow refused", func(t *testing.T) {
		assertRefused(t, f.hardrun(t, "run", "--rm", "--profile", f.profile, labelled(t), "127.0.0.1:5009/hardrun-test/x:1", "true"),
			"images.allow", "127.0.0.1:5009/hardrun-test/x:1")
	})
	t.Run("local-only image refused", func(t *testing.T) {
		ref := host + "/hardrun-test/local:1"
		mustDocker(t, "tag", rootImage, ref)
		defer removeImages(t, ref)
		for _, pull := range []string{"missing", "never"} {
			assertRefused(t, f.hardrun(t, "run", "--rm", "--pull", pull, "--profile", f.profile, labelled(t), ref, "true"),
				"images.signatures.keys", "exists only locally")
		}
	})
	t.Run("audit reports an unverified container", func(t *testing.T) {
		ref := host + "/hardrun-test/unsigned:1"
		id := strings.TrimSpace(mustDocker(t, "create", labelled(t), "--label", "io.hardrun.image.verified="+signedDigest, ref, "true").Stdout)
		defer runDocker(t, "rm", "-f", id)
		a := f.hardrun(t, "audit", "--profile", f.profile, "--format", "json", id)
		var doc struct {
			Results []struct {
				Findings []struct{ ID, Title string }
			}
		}
		if err := json.Unmarshal([]byte(a.Stdout), &doc); err != nil || len(doc.Results) != 1 {
			t.Fatalf("audit: %v\n%s", err, a)
		}
		found := false
		for _, fd := range doc.Results[0].Findings {
			found = found || fd.ID == "images.signatures.keys"
		}
		if !found || a.Code == 0 {
			t.Errorf("want a failed images.signatures.keys finding, got %s", a)
		}
	})
}
