//! Giving freed heap pages back to the system. glibc keeps the pages a burst of work freed
//! (in the arena of whichever thread freed them) for reuse, so a bot that once made and
//! dropped a large structure would stay that large for good: start-up (the Matrix store's
//! first sync, registering Discord's commands), reloading a thousand groups' content (a second
//! copy made and freed at once: 101 MiB became 305 MiB after a few reloads), a thousand
//! reminders posted in one minute. After each, the freed pages are given back.

/// Returns the heap's free pages to the system (no-op off glibc). Takes a few milliseconds
/// on a large heap: call it after a burst, not in a loop.
pub fn give_back_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the system; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// [`give_back_freed`] off the async threads when a runtime is running (it may take a few
/// milliseconds), at once otherwise.
pub fn give_back_freed_soon() {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn_blocking(give_back_freed);
        }
        Err(_) => give_back_freed(),
    }
}
