package sensitivity

// PointError is a point that could not be valued, with the reason: a rate outside [0, 1],
// DAU above MAU, a share count that is not positive, and so on. The reason is a
// *fault.Error naming what is at fault; errors.Is matches its fault sentinel.
type PointError struct {
	Point Point
	Err   error
}

// Error formats the point and the reason.
func (e *PointError) Error() string {
	return "sensitivity: at " + describe(e.Point) + ": " + e.Err.Error()
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *PointError) Unwrap() error { return e.Err }
