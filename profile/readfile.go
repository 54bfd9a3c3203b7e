package profile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strconv"
)

// maxFileSize caps what amsh reads of the profiles file and of a secret_file: either is a few
// hundred bytes in practice, and a larger one is a mistake (--config /dev/zero) or an attack.
const maxFileSize = 1 << 20

// errTooLarge reports a file over maxFileSize. Its text follows the file's name.
var errTooLarge = errors.New("is larger than " + strconv.Itoa(maxFileSize>>20) + " MiB")

// notRegularError reports that a path names something other than a regular file. Its text follows
// the file's name.
type notRegularError struct{ mode fs.FileMode }

func (e *notRegularError) Error() string {
	switch {
	case e.mode.IsDir():
		return "is a directory, not a regular file"
	case e.mode&fs.ModeNamedPipe != 0:
		return "is a named pipe, not a regular file"
	case e.mode&fs.ModeSocket != 0:
		return "is a socket, not a regular file"
	case e.mode&fs.ModeDevice != 0:
		return "is a device, not a regular file"
	}
	return "is not a regular file"
}

// readSmallFile returns the contents of the regular file at path (symbolic links followed). It
// refuses anything else before opening it: a FIFO would block the open or the read until a writer
// came, and a device such as /dev/zero would never end. It reads at most maxFileSize+1 bytes and
// refuses a file over maxFileSize with errTooLarge, so memory stays bounded even if the file grows
// between the check and the read.
//
// Errors from the system are returned as they come (*fs.PathError, so fs.ErrNotExist can be tested);
// the others are errTooLarge and *notRegularError. None holds any of the file's contents.
func readSmallFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &notRegularError{fi.Mode()}
	}
	if fi.Size() > maxFileSize {
		return nil, errTooLarge
	}
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The path may have been replaced since the Stat; what counts is the file now open.
	if fi, err = f.Stat(); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, &notRegularError{fi.Mode()}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileSize {
		return nil, errTooLarge
	}
	return data, nil
}

// fileMsg is readSmallFile's error as the words that follow the file's name in an error message.
func fileMsg(err error) string {
	var nr *notRegularError
	if errors.Is(err, errTooLarge) || errors.As(err, &nr) {
		return err.Error()
	}
	return statMsg(err)
}
