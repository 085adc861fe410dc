//! A pseudo-terminal for trying the binary as a person at a terminal would: keystrokes in,
//! what the screen shows out.
#![allow(dead_code)]

/// A pseudo-terminal: the master side to type into and read from, and the slave side for
/// the child's standard streams.
pub fn open() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty fills two descriptors we then own.
    let ok =
        unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), std::ptr::null()) };
    assert_eq!(ok, 0, "openpty");
    // SAFETY: both descriptors were just opened and are owned by nothing else.
    unsafe { (std::fs::File::from_raw_fd(master), std::fs::File::from_raw_fd(slave)) }
}

/// Starts `cmd` with the terminal's slave side as its standard streams; the master side to
/// type into and read from.
pub fn spawn(cmd: &mut std::process::Command) -> (std::fs::File, std::process::Child) {
    let (master, slave) = open();
    let child = cmd.stdin(slave.try_clone().unwrap()).stdout(slave.try_clone().unwrap()).stderr(slave).spawn().unwrap();
    (master, child)
}

/// Reads what the terminal shows until `done` says enough (10 s at most).
pub fn read_until(master: &std::fs::File, shown: &mut String, done: impl Fn(&str) -> bool) -> bool {
    use std::io::Read;
    use std::os::fd::AsRawFd;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut buf = [0u8; 4096];
    while !done(shown) {
        if std::time::Instant::now() > deadline {
            return false;
        }
        let mut fds = libc::pollfd { fd: master.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: one pollfd for a descriptor we own.
        if unsafe { libc::poll(&mut fds, 1, 100) } <= 0 {
            continue;
        }
        match (&*master).read(&mut buf) {
            Ok(0) | Err(_) => return done(shown),
            Ok(n) => shown.push_str(&String::from_utf8_lossy(&buf[..n])),
        }
    }
    true
}
