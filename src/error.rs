//! Who is at fault when something fails, which decides what the pipeline does about it.

/// The party at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The input is bad: keep it with its reason (rejects file, dead-letter topic), count it,
    /// move on. Retrying cannot help.
    Input,
    /// A system outside claimwire failed (broker, disk): back off and retry; stop only when
    /// going on could lose data.
    External,
    /// claimwire itself is wrong (a bug, a corrupt store): stop loudly; an operator must act.
    Internal,
}

/// An error that knows who is at fault.
pub trait Fault {
    fn class(&self) -> ErrorClass;

    /// Whether trying the same thing again may succeed.
    fn retryable(&self) -> bool {
        self.class() == ErrorClass::External
    }
}
