// The HTTPS server lives here.
