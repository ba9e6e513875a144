//! `--batch`: one input per line on standard input, one JSON object per line on standard output,
//! in input order, one output line for every input line.
//!
//! Input is read in chunks of at most [`CHUNK_LINES`] lines and [`CHUNK_BYTES`] bytes, so memory
//! stays bounded however long the stream is. Each thread reads, processes and writes whole
//! chunks, taking turns so that results come out in input order (see [`run`]).

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::panic;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

use anyhow::Context as _;
use serde::Serialize;

use crate::jwt::json::write_str;

/// Lines per chunk: enough to amortize taking turns over milliseconds of work, few enough to start
/// printing early and to keep both cores busy on short inputs.
pub const CHUNK_LINES: usize = 4096;
/// Bytes of input per chunk, at most (plus one line).
pub const CHUNK_BYTES: usize = 4 << 20;

/// How many threads a batch uses: `--threads` (or `JWTCTL_THREADS`), else one per core; at most
/// [`MAX_THREADS`], since each holds a chunk of up to [`CHUNK_BYTES`].
pub fn threads(requested: Option<usize>) -> usize {
    requested
        .filter(|count| *count > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |count| count.get()))
        .min(MAX_THREADS)
}

/// More threads than this gain nothing on any machine jwtctl is likely to run on.
pub const MAX_THREADS: usize = 64;

/// One line of input, without its line break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line<'c> {
    Text(&'c [u8]),
    /// Longer than the limit; its content was skipped, not kept. The length is in bytes.
    TooLong(usize),
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    Text(usize, usize),
    TooLong(usize),
}

/// The lines of one chunk, in one buffer.
#[derive(Debug, Default)]
pub struct Chunk {
    bytes: Vec<u8>,
    lines: Vec<Slot>,
    /// The 1-based number of the chunk's first line in the whole input.
    first: u64,
}

impl Chunk {
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Every line of the chunk, with its 1-based number in the whole input.
    pub fn all_lines(&self) -> impl Iterator<Item = (u64, Line<'_>)> {
        (self.first..).zip(self.lines.iter().map(|slot| match *slot {
            Slot::Text(start, end) => Line::Text(&self.bytes[start..end]),
            Slot::TooLong(len) => Line::TooLong(len),
        }))
    }
}

/// Bytes read from the input at a time.
const INPUT_BUFFER: usize = 128 * 1024;

/// Reads lines into chunks, never holding more than `limit` bytes of any one line.
pub struct Reader<R> {
    input: io::BufReader<R>,
    limit: usize,
    done: bool,
    /// Lines read so far: the chunks are numbered from here, where they are read in input order.
    lines: u64,
}

impl<R: Read> Reader<R> {
    pub fn new(input: R, limit: usize) -> Self {
        Reader {
            input: io::BufReader::with_capacity(INPUT_BUFFER, input),
            limit,
            done: false,
            lines: 0,
        }
    }

    /// Refills `chunk`; `false` when the input is exhausted and the chunk is empty. A last line
    /// without a line break counts; an empty input has no lines.
    ///
    /// A chunk also ends where the input pauses: when every byte read so far has been used, at the
    /// end of a line, the chunk is handed on rather than waiting for more. So a stream (`tail -f`)
    /// gets each answer as soon as its line arrives, and a reader that went away is noticed at
    /// the next answer, as `grep` would notice it.
    pub fn read_chunk(&mut self, chunk: &mut Chunk) -> io::Result<bool> {
        chunk.bytes.clear();
        chunk.lines.clear();
        chunk.first = self.lines + 1;
        while !self.done && chunk.lines.len() < CHUNK_LINES && chunk.bytes.len() < CHUNK_BYTES {
            if !chunk.lines.is_empty() && self.input.buffer().is_empty() {
                break;
            }
            if let Some(slot) = self.read_line(&mut chunk.bytes)? {
                chunk.lines.push(slot);
            }
        }
        self.lines += chunk.lines.len() as u64;
        Ok(!chunk.lines.is_empty())
    }

    fn read_line(&mut self, bytes: &mut Vec<u8>) -> io::Result<Option<Slot>> {
        let start = bytes.len();
        let mut len = 0usize;
        loop {
            let available = match self.input.fill_buf() {
                Ok(available) => available,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            if available.is_empty() {
                self.done = true;
                if len == 0 {
                    return Ok(None);
                }
                break;
            }
            let (content, consumed, ended) = match memchr::memchr(b'\n', available) {
                Some(newline) => (newline, newline + 1, true),
                None => (available.len(), available.len(), false),
            };
            if len.saturating_add(content) <= self.limit {
                bytes.extend_from_slice(&available[..content]);
            } else {
                bytes.truncate(start);
            }
            len = len.saturating_add(content);
            self.input.consume(consumed);
            if ended {
                break;
            }
        }
        Ok(Some(if len <= self.limit {
            Slot::Text(start, bytes.len())
        } else {
            Slot::TooLong(len)
        }))
    }
}

/// Runs every chunk of `input` through `work` on `threads` threads and hands each chunk's result
/// to `emit`, in input order.
///
/// Each thread keeps one `W` (its buffers and tallies): `work` fills it from a chunk's lines,
/// each with its 1-based line number in the input (for error objects), `emit` writes what it holds and clears it. The threads take turns: one reads a chunk (under
/// a lock, so chunks are numbered in input order), works on it while the others do the same, then
/// waits until every earlier chunk was emitted and emits its own. A thread reads, works on and
/// writes its own chunk, so its data stays in its core's cache, and no thread exists just to
/// read or write. At most `threads` chunks exist at once, so memory stays bounded whatever the
/// length of the stream. Nothing of a chunk reaches `emit` before every line of it was processed;
/// chunks read before a read error are still emitted, then the error is returned.
pub fn run<R, W, F, E>(
    input: R,
    line_limit: usize,
    threads: usize,
    work: F,
    mut emit: E,
) -> anyhow::Result<()>
where
    R: Read + Send,
    W: Default + Send,
    F: Fn(&mut W, &mut dyn Iterator<Item = (u64, Line<'_>)>) + Sync,
    E: FnMut(&mut W) -> anyhow::Result<()> + Send,
{
    let mut reader = Reader::new(input, line_limit);
    if threads <= 1 {
        let (mut chunk, mut state) = (Chunk::default(), W::default());
        while reader.read_chunk(&mut chunk).context(READ_FAILED)? {
            work(&mut state, &mut chunk.all_lines());
            emit(&mut state)?;
        }
        return Ok(());
    }
    let turns = Turns {
        input: Mutex::new(Input {
            reader,
            next: 0,
            error: None,
        }),
        output: Mutex::new(Output {
            emit,
            next: 0,
            error: None,
        }),
        turn: Condvar::new(),
        stopped: AtomicBool::new(false),
    };
    std::thread::scope(|scope| {
        // A thread the system refuses is one fewer, not a failure: the others take its share.
        let others: Vec<_> = (1..threads)
            .map_while(|_| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, || turns.take_turns::<W>(&work))
                    .ok()
            })
            .collect();
        turns.take_turns::<W>(&work);
        for other in others {
            if let Err(panic) = other.join() {
                panic::resume_unwind(panic);
            }
        }
    });
    let output = turns
        .output
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    let input = turns
        .input
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    match (output.error, input.error) {
        (Some(error), _) => Err(error),
        (None, Some(error)) => Err(error).context(READ_FAILED),
        (None, None) => Ok(()),
    }
}

const READ_FAILED: &str = "cannot read standard input";

/// What the threads of [`run`] share.
struct Turns<R, E> {
    input: Mutex<Input<R>>,
    output: Mutex<Output<E>>,
    /// Signalled whenever `output.next` moves or the batch stops.
    turn: Condvar,
    /// An emit failed or a worker panicked: no thread reads, works or emits any more. Outside
    /// `output`, so that reading the next chunk never waits for another thread's write.
    stopped: AtomicBool,
}

struct Input<R> {
    reader: Reader<R>,
    /// The number the next chunk read gets.
    next: u64,
    error: Option<io::Error>,
}

struct Output<E> {
    emit: E,
    /// The number of the chunk whose turn it is to be emitted.
    next: u64,
    error: Option<anyhow::Error>,
}

impl<R: Read, E> Turns<R, E> {
    fn take_turns<W>(
        &self,
        work: &(impl Fn(&mut W, &mut dyn Iterator<Item = (u64, Line<'_>)>) + Sync),
    ) where
        W: Default,
        E: FnMut(&mut W) -> anyhow::Result<()>,
    {
        // A panic anywhere below (a bug) must stop the others, or they would wait for this
        // thread's turn forever; the panic itself reaches the caller when the scope ends.
        let _stop_on_panic = StopOnPanic(self);
        let (mut chunk, mut state) = (Chunk::default(), W::default());
        while let Some(number) = self.read(&mut chunk) {
            work(&mut state, &mut chunk.all_lines());
            if !self.emit_in_turn(number, &mut state) {
                return;
            }
        }
    }

    /// The next chunk and its number; `None` at the end of the input, after a read error, or
    /// when the batch was stopped.
    fn read(&self, chunk: &mut Chunk) -> Option<u64> {
        if self.stopped() {
            return None;
        }
        let mut input = self.input.lock().ok()?;
        if input.error.is_some() {
            return None;
        }
        match input.reader.read_chunk(chunk) {
            Ok(true) => {
                input.next += 1;
                Some(input.next - 1)
            }
            Ok(false) => None,
            Err(error) => {
                input.error = Some(error);
                None
            }
        }
    }

    /// Waits for chunk `number`'s turn and emits it; `false` when the batch stopped instead.
    fn emit_in_turn<W>(&self, number: u64, state: &mut W) -> bool
    where
        E: FnMut(&mut W) -> anyhow::Result<()>,
    {
        let Ok(mut output) = self.output.lock() else {
            return false;
        };
        while output.next != number && !self.stopped() {
            output = match self.turn.wait(output) {
                Ok(output) => output,
                Err(_) => return false,
            };
        }
        if self.stopped() {
            return false;
        }
        let emitted = (output.emit)(state);
        output.next += 1;
        if let Err(error) = emitted {
            output.error = Some(error);
            self.stopped.store(true, Ordering::SeqCst);
        }
        self.turn.notify_all();
        !self.stopped()
    }
}

impl<R, E> Turns<R, E> {
    fn stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        // Taking the lock orders this with a waiter's check of `stopped`: it has either not
        // checked yet, or is waiting and gets the signal.
        drop(self.output.lock());
        self.turn.notify_all();
    }
}

struct StopOnPanic<'t, R, E>(&'t Turns<R, E>);

impl<R, E> Drop for StopOnPanic<'_, R, E> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
}

/// Standard input for a batch, shareable by the threads that take turns reading it (a
/// `StdinLock` is not); [`Reader`] buffers it.
pub fn stdin() -> impl Read + Send {
    io::stdin()
}

/// Appends `{"error":{"kind":..,"line":..,"message":..}}` and a line break; `line` is the input
/// line of a batch, and absent for one input.
pub fn push_error(out: &mut Vec<u8>, kind: &str, line: Option<u64>, message: &str) {
    out.extend_from_slice(b"{\"error\":");
    push_error_body(out, kind, line, message);
    out.extend_from_slice(b"}\n");
}

/// Appends `{"kind":..,"line":..,"message":..}`, without `line` when it is `None`; the keys
/// sorted, as serde_json sorts those of every other object jwtctl prints.
pub fn push_error_body(out: &mut Vec<u8>, kind: &str, line: Option<u64>, message: &str) {
    out.extend_from_slice(b"{\"kind\":");
    write_str(out, kind);
    if let Some(line) = line {
        // Writing to a vector cannot fail.
        let _ = write!(out, ",\"line\":{line}");
    }
    out.extend_from_slice(b",\"message\":");
    // A message may quote what was typed (an expected audience), and a secret pasted into it.
    write_str(out, &crate::output::without_secrets(message));
    out.push(b'}');
}

/// Appends `value` as one line of JSON.
pub fn push_json(out: &mut Vec<u8>, value: &impl Serialize) {
    // Writing to a vector cannot fail, and every value written here has string keys.
    let _ = serde_json::to_writer(&mut *out, value);
    out.push(b'\n');
}

/// Standard output for a batch: buffered, and writable from whichever thread's turn it is (a
/// `StdoutLock` is not). On a terminal, the JSON lines have what could fool it `\u`-escaped.
pub fn stdout() -> Stdout {
    Stdout {
        inner: io::BufWriter::with_capacity(64 * 1024, io::stdout()),
        terminal: io::stdout().is_terminal(),
    }
}

/// See [`stdout`].
pub struct Stdout {
    inner: io::BufWriter<io::Stdout>,
    terminal: bool,
}

impl Write for Stdout {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.inner.write(bytes)
    }

    /// What [`write`] uses: whole lines, escaped as a whole on a terminal.
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        if !self.terminal {
            return self.inner.write_all(bytes);
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => self
                .inner
                .write_all(crate::jwt::text::json_for_terminal(text).as_bytes()),
            Err(_) => self.inner.write_all(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Sends a chunk's answers on: a stream's reader gets them as soon as their lines were read (see
/// [`Reader::read_chunk`]), not when the buffer fills. A whole chunk is large enough that this
/// costs nothing in bulk.
pub fn end_chunk(out: &mut impl Write) -> anyhow::Result<()> {
    out.flush().context("cannot write to standard output")
}

/// A batch's status once its reader went away (`| head`): quiet, but 1 if a line that failed
/// was seen before, as it would have been at the end.
pub fn after_closed_pipe(result: anyhow::Result<()>, failed: usize) -> anyhow::Result<bool> {
    match result {
        Ok(()) => Ok(true),
        Err(error) if failed > 0 && crate::exit::is_broken_pipe(&error) => Ok(false),
        Err(error) => Err(error),
    }
}

/// Writes `bytes`, keeping the I/O error (a broken pipe ends the batch quietly).
pub fn write(out: &mut impl Write, bytes: &[u8]) -> anyhow::Result<()> {
    out.write_all(bytes)
        .context("cannot write to standard output")
}

#[cfg(test)]
mod tests {
    use std::panic::AssertUnwindSafe;

    use super::*;

    fn read_all(input: &[u8], limit: usize) -> Vec<Result<String, usize>> {
        let mut reader = Reader::new(input, limit);
        let mut chunk = Chunk::default();
        let mut lines = Vec::new();
        while reader.read_chunk(&mut chunk).unwrap() {
            lines.extend(chunk.all_lines().map(|(_, line)| match line {
                Line::Text(text) => Ok(String::from_utf8_lossy(text).into_owned()),
                Line::TooLong(len) => Err(len),
            }));
        }
        lines
    }

    #[test]
    fn one_line_per_line_break_and_a_last_partial_line() {
        assert_eq!(read_all(b"", 10), vec![]);
        assert_eq!(read_all(b"\n", 10), vec![Ok(String::new())]);
        assert_eq!(
            read_all(b"a\n\nb", 10),
            vec![Ok("a".into()), Ok(String::new()), Ok("b".into())]
        );
        assert_eq!(
            read_all(b"a\r\nb\n", 10),
            vec![Ok("a\r".into()), Ok("b".into())]
        );
    }

    #[test]
    fn long_lines_are_skipped_not_kept() {
        let mut input = b"short\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 25));
        input.extend(b"\nend\n");
        assert_eq!(
            read_all(&input, 10),
            vec![Ok("short".into()), Err(25), Ok("end".into())]
        );
        // Across the reader's own buffer boundaries too.
        let reader = io::BufReader::with_capacity(4, &input[..]);
        let mut reader = Reader::new(reader, 10);
        let mut chunk = Chunk::default();
        assert!(reader.read_chunk(&mut chunk).unwrap());
        let lines: Vec<_> = chunk.all_lines().collect();
        assert_eq!(
            lines,
            vec![
                (1, Line::Text(b"short")),
                (2, Line::TooLong(25)),
                (3, Line::Text(b"end"))
            ]
        );
    }

    #[test]
    fn error_lines_are_what_serde_json_writes() {
        let mut out = Vec::new();
        let message = "a \"quoted\" \u{1b}[2J message\n";
        push_error(&mut out, "malformed", None, message);
        let expected = serde_json::json!({"error": {"kind": "malformed", "message": message}});
        assert_eq!(String::from_utf8(out).unwrap(), format!("{expected}\n"));
        let mut out = Vec::new();
        push_error(&mut out, "claim", Some(u64::MAX), message);
        let expected = serde_json::json!({
            "error": {"kind": "claim", "line": u64::MAX, "message": message}
        });
        assert_eq!(String::from_utf8(out).unwrap(), format!("{expected}\n"));
    }

    /// Gives one line per read, as `tail -f` or a slow producer does.
    struct LineByLine<'a>(std::str::Lines<'a>);

    impl io::Read for LineByLine<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let Some(line) = self.0.next() else {
                return Ok(0);
            };
            let line = format!("{line}\n");
            buf[..line.len()].copy_from_slice(line.as_bytes());
            Ok(line.len())
        }
    }

    #[test]
    fn a_chunk_ends_where_the_input_pauses() {
        let mut reader = Reader::new(LineByLine("a\nb\nc".lines()), 100);
        let mut chunk = Chunk::default();
        for (number, expected) in (1..).zip(["a", "b", "c"]) {
            assert!(reader.read_chunk(&mut chunk).unwrap());
            let lines: Vec<_> = chunk.all_lines().collect();
            assert_eq!(lines, vec![(number, Line::Text(expected.as_bytes()))]);
        }
        assert!(!reader.read_chunk(&mut chunk).unwrap());
        // Input that is all there at once fills whole chunks.
        let input: String = (0..5000).map(|n| format!("{n}\n")).collect();
        let mut reader = Reader::new(input.as_bytes(), 100);
        assert!(reader.read_chunk(&mut chunk).unwrap());
        assert_eq!(chunk.len(), CHUNK_LINES);
    }

    #[test]
    fn lines_are_numbered_across_chunks_and_threads() {
        // Line n reads n: every line's number must be what it says.
        let input: String = (1..=3 * CHUNK_LINES + 5)
            .map(|n| format!("{n}\n"))
            .collect();
        for threads in [1, 2, 3] {
            let mismatched = Mutex::new(Vec::new());
            let mut seen = 0;
            run(
                input.as_bytes(),
                100,
                threads,
                |count: &mut usize, lines| {
                    for (number, line) in lines {
                        *count += 1;
                        if line != Line::Text(number.to_string().as_bytes())
                            && let Ok(mut mismatched) = mismatched.lock()
                            && mismatched.len() < 5
                        {
                            mismatched.push(number);
                        }
                    }
                },
                |count| {
                    seen += std::mem::take(count);
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(seen, 3 * CHUNK_LINES + 5);
            assert_eq!(mismatched.into_inner().unwrap(), Vec::<u64>::new());
        }
    }

    #[test]
    fn a_panicking_emit_is_reported_not_waited_for() {
        // Chunk 0 works slowly, so the other threads are already waiting for their turns when
        // its emit panics: they must be woken and stop.
        let input: String = (0..4 * CHUNK_LINES).map(|n| format!("{n}\n")).collect();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            run(
                input.as_bytes(),
                100,
                4,
                |first: &mut Option<Vec<u8>>, lines| {
                    let mut lines = lines.map(|(_, line)| match line {
                        Line::Text(text) => text.to_vec(),
                        Line::TooLong(_) => Vec::new(),
                    });
                    *first = lines.next();
                    if first.as_deref() == Some(b"0".as_slice()) {
                        std::thread::sleep(std::time::Duration::from_millis(200));
                    }
                    lines.for_each(drop);
                },
                |first| {
                    assert!(first.as_deref() != Some(b"0".as_slice()), "a bug in emit");
                    Ok(())
                },
            )
        }));
        assert!(outcome.is_err());
    }

    #[test]
    fn thread_counts_are_capped_and_zero_means_the_default() {
        assert_eq!(threads(Some(3)), 3);
        assert_eq!(threads(Some(5000)), MAX_THREADS);
        assert_eq!(threads(Some(0)), threads(None));
        assert!((1..=MAX_THREADS).contains(&threads(None)));
    }

    /// Runs `input` through `run` on `threads` threads, collecting every line back in order.
    fn collect(input: impl BufRead + Send, threads: usize) -> (anyhow::Result<()>, String) {
        let mut seen = Vec::new();
        let result = run(
            input,
            100,
            threads,
            |out: &mut Vec<u8>, lines| {
                for (_, line) in lines {
                    if let Line::Text(text) = line {
                        out.extend_from_slice(text);
                        out.push(b',');
                    }
                }
            },
            |out| {
                seen.append(out);
                Ok(())
            },
        );
        (result, String::from_utf8(seen).unwrap())
    }

    #[test]
    fn chunks_keep_order_across_threads() {
        let input: String = (0..50_000).map(|n| format!("{n}\n")).collect();
        let expected: String = (0..50_000).map(|n| format!("{n},")).collect();
        for threads in [1, 2, 3, 8] {
            let (result, seen) = collect(input.as_bytes(), threads);
            result.unwrap();
            assert!(seen == expected, "out of order with {threads} threads");
        }
    }

    /// Yields `good` and then fails, as a pipe or a disk can.
    struct FailsAfter<'a> {
        good: &'a [u8],
    }

    impl io::Read for FailsAfter<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.good.is_empty() {
                return Err(io::Error::other("the disk went away"));
            }
            let n = buf.len().min(self.good.len());
            buf[..n].copy_from_slice(&self.good[..n]);
            self.good = &self.good[n..];
            Ok(n)
        }
    }

    #[test]
    fn lines_read_before_a_read_error_are_emitted_and_the_error_returned() {
        let input: String = (0..10_000).map(|n| format!("{n}\n")).collect();
        for threads in [1, 2] {
            let reader = io::BufReader::new(FailsAfter {
                good: input.as_bytes(),
            });
            let (result, seen) = collect(reader, threads);
            let error = format!("{:#}", result.unwrap_err());
            assert!(error.contains("the disk went away"), "{error}");
            // Everything in the chunks read whole before the failure came out, in order.
            let lines = seen.split_terminator(',').count();
            assert!(
                lines >= 2 * CHUNK_LINES,
                "{lines} lines with {threads} threads"
            );
            assert!(input.replace('\n', ",").starts_with(&seen));
        }
    }

    #[test]
    fn an_emit_error_stops_the_batch_without_waiting_for_the_input() {
        // An endless input: a deadlock or a full read would never return.
        let endless = io::BufReader::new(io::repeat(b'\n'));
        let mut emitted = 0;
        let result = run(
            endless,
            100,
            2,
            |count: &mut usize, lines| *count += lines.count(),
            |count| {
                emitted += std::mem::take(count);
                if emitted > 3 * CHUNK_LINES {
                    anyhow::bail!("broken pipe");
                }
                Ok(())
            },
        );
        assert_eq!(result.unwrap_err().to_string(), "broken pipe");
    }

    #[test]
    fn a_panicking_worker_is_reported_not_waited_for() {
        let input: String = (0..20_000).map(|n| format!("{n}\n")).collect();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            run(
                input.as_bytes(),
                100,
                2,
                |_: &mut (), lines| {
                    for (_, line) in lines {
                        assert!(line != Line::Text(b"9000"), "a bug in a worker");
                    }
                },
                |()| Ok(()),
            )
        }));
        assert!(outcome.is_err());
    }
}
