package launcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client/pkg/jsonmessage"

	"github.com/hardrun/hardrun/runopts"
)

// ensureImage returns the image ref names (the request's, or the verified
// digest trustImage pinned), pulling it as docker does: --pull always
// pulls first, missing pulls when the engine lacks it, never fails with
// the engine's "No such image".
func ensureImage(ctx context.Context, e Engine, l *Launch, ref string, tio IO) (image.InspectResponse, error) {
	if l.Pull == runopts.PullAlways {
		if err := pull(ctx, e, l, ref, tio); err != nil {
			return image.InspectResponse{}, err
		}
	}
	img, err := e.ImageInspect(ctx, ref)
	if err == nil && l.Pull != runopts.PullAlways && platformMismatch(img, l.Platform) {
		err = &notFoundError{cause: fmt.Errorf("image with reference %s was found but does not match the specified platform: wanted %s, actual: %s/%s",
			ref, l.Platform, img.Os, img.Architecture)}
		if l.Pull == runopts.PullNever {
			return img, fmt.Errorf("Error response from daemon: %w", err)
		}
	}
	if err == nil || !errors.Is(err, ErrNoSuchObject) || l.Pull == runopts.PullAlways {
		return img, err
	}
	if l.Pull == runopts.PullNever {
		return img, fmt.Errorf("Error response from daemon: No such image: %s", familiar(ref))
	}
	if !l.Quiet {
		// As docker: -q keeps stderr free of everything the pull says.
		fmt.Fprintf(tio.Err, "Unable to find image '%s' locally\n", familiar(ref))
	}
	if err := pull(ctx, e, l, ref, tio); err != nil {
		return img, err
	}
	return e.ImageInspect(ctx, ref)
}

// pull pulls ref, showing docker's progress on stderr: bars on a terminal,
// plain lines otherwise, nothing with -q.
func pull(ctx context.Context, e Engine, l *Launch, ref string, tio IO) error {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return fmt.Errorf("invalid reference format: %w", err)
	}
	named = reference.TagNameOnly(named)
	opts := PullOptions{Platform: l.Platform}
	if l.RegistryAuth != nil {
		opts.RegistryAuth = l.RegistryAuth(reference.Domain(named))
	}
	body, err := e.ImagePull(ctx, named.String(), opts)
	if err != nil {
		return err
	}
	defer body.Close()
	out := tio.Err
	if l.Quiet {
		out = io.Discard
	}
	isTerm := tio.ErrTTY && !l.Quiet
	return jsonmessage.DisplayJSONMessagesStream(body, out, tio.ErrFd, isTerm, nil)
}

// InterruptedError is a launch that SIGINT or SIGTERM cut short before the
// container ran (during the pull or the create). docker cancels the same
// way and exits 128+signal without a message.
type InterruptedError struct{ Signal syscall.Signal }

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("interrupted by %v", e.Signal)
}

// interrupted reports an error caused by a signal as that signal.
func interrupted(ctx context.Context, err error) error {
	var ie *InterruptedError
	if err != nil && errors.As(context.Cause(ctx), &ie) {
		return ie
	}
	return err
}

// familiar is docker's short spelling of a reference: busybox:latest.
func familiar(ref string) string {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return ref
	}
	return reference.FamiliarString(reference.TagNameOnly(named))
}
