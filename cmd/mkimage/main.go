package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/hardrun/hardrun/internal/testimage"
	"github.com/moby/moby/client"
)

func main() {
	var o testimage.Options
	flag.StringVar(&o.Busybox, "busybox", "/bin/busybox", "static busybox binary")
	flag.StringVar(&o.Hardrun, "hardrun", "bin/hardrun", "static hardrun binary")
	flag.Parse()
	c, err := client.New(client.FromEnv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkimage:", err)
		os.Exit(1)
	}
	if err := testimage.Build(context.Background(), c, o, testimage.Images()); err != nil {
		fmt.Fprintln(os.Stderr, "mkimage:", err)
		os.Exit(1)
	}
	for _, img := range testimage.Images() {
		fmt.Println(img.Ref)
	}
}
