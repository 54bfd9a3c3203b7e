//go:build !unix

package screen

import "errors"

// Open is for Unix terminals only.
func Open() (*Screen, error) {
	return nil, errors.New("a full-screen view needs a Unix terminal")
}
