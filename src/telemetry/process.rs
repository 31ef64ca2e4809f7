//! `ProcessStats`: the process's own CPU time and resident memory, under Prometheus's standard
//! names, so that an operator sizes `service.memory_claims` by what the process holds and
//! sees its CPU per article beside `claimwire_articles_total`.

/// CPU time and resident memory of this process, read at each scrape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcessStats {
    /// User and system CPU time since the process started, in seconds.
    pub cpu_seconds: f64,
    /// Resident set size, in bytes: what the memory limit is about.
    pub resident_bytes: u64,
}

impl ProcessStats {
    /// This process's figures (Linux: from `/proc/self/stat`); `None` where they cannot be
    /// read, and the exposition then leaves them out rather than report zeros.
    pub fn read() -> Option<Self> {
        #[cfg(target_os = "linux")]
        {
            let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
            // SAFETY: sysconf with a valid name only reads a system constant.
            let (ticks, page) = unsafe {
                (
                    libc::sysconf(libc::_SC_CLK_TCK),
                    libc::sysconf(libc::_SC_PAGESIZE),
                )
            };
            Self::of_stat(&stat, u64::try_from(ticks).ok()?, u64::try_from(page).ok()?)
        }
        #[cfg(not(target_os = "linux"))]
        None
    }

    /// From the text of `/proc/<pid>/stat`, with the clock ticks per second and the page size.
    fn of_stat(stat: &str, ticks_per_second: u64, page_bytes: u64) -> Option<Self> {
        // The command name (field 2) is in parentheses and may hold spaces and parentheses
        // itself: the fields are counted from after its last ')', which is field 3.
        let rest = &stat[stat.rfind(')')? + 1..];
        let field = |n: usize| -> Option<u64> { rest.split_whitespace().nth(n - 3)?.parse().ok() };
        let (utime, stime, rss) = (field(14)?, field(15)?, field(24)?);
        if ticks_per_second == 0 {
            return None;
        }
        Some(ProcessStats {
            cpu_seconds: (utime + stime) as f64 / ticks_per_second as f64,
            resident_bytes: rss * page_bytes,
        })
    }

    /// The two gauges in the Prometheus text exposition.
    pub fn render(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = writeln!(
            out,
            "# HELP process_cpu_seconds_total User and system CPU time spent, in seconds.\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total {}",
            self.cpu_seconds
        );
        let _ = writeln!(
            out,
            "# HELP process_resident_memory_bytes Resident memory size, in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes {}",
            self.resident_bytes
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cpu_and_memory_after_a_command_name_with_spaces_and_parentheses() {
        // Fields 1-24 of a stat line: utime 250, stime 50 (ticks), rss 1000 (pages).
        let stat = "4242 (tokio (rt) w) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 1234 567890 1000 18446744073709551615";
        let s = ProcessStats::of_stat(stat, 100, 4096).unwrap();
        assert_eq!(s.cpu_seconds, 3.0);
        assert_eq!(s.resident_bytes, 4_096_000);
    }

    #[test]
    fn a_cut_line_reads_as_nothing() {
        assert_eq!(
            ProcessStats::of_stat("4242 (claimwire) S 1 2 3", 100, 4096),
            None
        );
        assert_eq!(ProcessStats::of_stat("no parentheses", 100, 4096), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_has_memory_and_renders_both_gauges() {
        let s = ProcessStats::read().expect("/proc/self/stat is readable on Linux");
        assert!(s.resident_bytes > 1 << 20, "{s:?}");
        let mut text = String::new();
        s.render(&mut text);
        assert!(text.contains(&format!(
            "process_resident_memory_bytes {}\n",
            s.resident_bytes
        )));
        assert!(
            text.contains("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total ")
        );
    }
}
