package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// explainDoc is the part of `hardrun explain --format json` minrun reads.
type explainDoc struct {
	Request struct {
		Name             string                    `json:"name"`
		Config           *container.Config         `json:"config"`
		HostConfig       *container.HostConfig     `json:"host_config"`
		NetworkingConfig *network.NetworkingConfig `json:"networking_config"`
	} `json:"request"`
}

func main() {
	reqFile := flag.String("request", "", "`FILE` written by hardrun explain --format json")
	api := flag.String("api", "", "Engine API `VERSION` (empty: negotiate with a ping, as docker does)")
	flag.Parse()
	code, err := run(*reqFile, *api)
	if err != nil {
		fmt.Fprintln(os.Stderr, "minrun:", err)
		os.Exit(125)
	}
	os.Exit(code)
}

func run(reqFile, api string) (int, error) {
	b, err := os.ReadFile(reqFile)
	if err != nil {
		return 0, err
	}
	var doc explainDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return 0, fmt.Errorf("read request %s: %w", reqFile, err)
	}
	if doc.Request.Config == nil || doc.Request.HostConfig == nil {
		return 0, fmt.Errorf("read request %s: no config or host_config", reqFile)
	}
	opts := []client.Opt{client.FromEnv}
	if api != "" {
		opts = []client.Opt{client.FromEnv, client.WithAPIVersion(api)}
	}
	c, err := client.New(opts...)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return foreground(context.Background(), c, &doc)
}

// foreground is docker run's sequence: create, attach before start so no
// output is lost, wait (until removed under --rm), start, copy the streams.
func foreground(ctx context.Context, c *client.Client, doc *explainDoc) (int, error) {
	r := doc.Request
	cfg := r.Config
	created, err := c.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name: r.Name, Config: cfg, HostConfig: r.HostConfig, NetworkingConfig: r.NetworkingConfig,
	})
	if err != nil {
		return 0, err
	}
	id := created.ID
	autoRemove := r.HostConfig.AutoRemove
	if !autoRemove {
		defer c.ContainerRemove(context.Background(), id, client.ContainerRemoveOptions{Force: true})
	}
	att, err := c.ContainerAttach(ctx, id, client.ContainerAttachOptions{
		Stream: true, Stdin: cfg.AttachStdin, Stdout: cfg.AttachStdout, Stderr: cfg.AttachStderr,
	})
	if err != nil {
		return 0, err
	}
	defer att.Close()
	cond := container.WaitConditionNextExit
	if autoRemove {
		cond = container.WaitConditionRemoved
	}
	wait := c.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: cond})
	if _, err := c.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		return 0, err
	}
	if cfg.AttachStdin {
		go func() {
			_, _ = io.Copy(att.Conn, os.Stdin)
			_ = att.CloseWrite()
		}()
	}
	if cfg.Tty {
		_, err = io.Copy(os.Stdout, att.Reader)
	} else {
		_, err = stdcopy.StdCopy(os.Stdout, os.Stderr, att.Reader)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, err
	}
	select {
	case res := <-wait.Result:
		return int(res.StatusCode), nil
	case err := <-wait.Error:
		return 0, err
	}
}
