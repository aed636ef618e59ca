//! `cac batch`, `cac context` and `cac features`: JSON lines in, JSON lines out, one output line per input line, in order.
//!
//! A bad line (not UTF-8, not JSON, no text, empty text, too large) becomes an output line with its error, and
//! the run goes on: one malformed record must not cost the rest of a night's batch. The exit status is the
//! number of failed lines (capped at [`MAX_FAILED_EXIT`]); [`FATAL_EXIT`] means the run itself failed.
//!
//! Lines are coded in parallel, a chunk at a time, and written in input order.
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::engine::Engine;
use crate::jsonl;

/// Exit status when the run could not be done at all (unreadable input, missing code set, ...).
pub const FATAL_EXIT: u8 = 125;
/// Largest exit status used to count failed lines.
pub const MAX_FAILED_EXIT: usize = 124;
/// Lines read before coding a chunk in parallel.
const CHUNK_LINES: usize = 256;

/// Outcome of a batch run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub lines: usize,
    pub failed: usize,
}

/// Codes a JSON-lines file (`cac batch`).
pub fn run(engine: &Engine, input: &Path, output: &Path) -> Result<ExitCode> {
    run_lines("cac batch", input, output, |bytes, line_no, offset| code_line(engine, bytes, line_no, offset))
}

/// Answers a `cac context` file: the assertion of each target in each line's text.
pub fn run_context(engine: &Engine, input: &Path, output: &Path) -> Result<ExitCode> {
    run_lines("cac context", input, output, |bytes, line_no, offset| {
        let line = jsonl::parse_context_line(bytes, line_no, offset);
        match line.request {
            Err(msg) => (jsonl::failed_line(&line.id, &msg), true),
            Ok((text, targets)) => match engine.assert_targets(&text, &targets) {
                Ok(found) => (jsonl::context_line(&line.id, &found), false),
                Err(e) => (jsonl::failed_line(&line.id, &format!("line {line_no}: {e}")), true),
            },
        }
    })
}

/// Writes the scorer's inputs for every candidate of each line (`cac features`). With `gold` (document id ->
/// the codes a coder assigned, and the crosswalk from the release they coded in), each candidate also gets its
/// training label: 1 when the coder's codes contain it, directly or as an older-release code it succeeds
/// ([`crate::eval::Crosswalk::in_gold`]), else 0.
pub fn run_features(
    engine: &Engine,
    input: &Path,
    output: &Path,
    gold: Option<(&BTreeMap<String, BTreeSet<String>>, &crate::eval::Crosswalk<'_>)>,
) -> Result<ExitCode> {
    let empty = BTreeSet::new();
    run_lines("cac features", input, output, |bytes, line_no, offset| {
        let line = jsonl::parse_line(bytes, line_no, offset);
        match line.note {
            Err(msg) => (jsonl::failed_line(&line.id, &msg), true),
            Ok(note) => match engine.candidate_features(&note) {
                Ok(rows) => {
                    let mut candidates = serde_json::to_value(&rows).unwrap_or_default();
                    if let (Some((gold, crosswalk)), Some(list)) = (gold, candidates.as_array_mut()) {
                        let codes = gold.get(&note.id).unwrap_or(&empty);
                        for (value, row) in list.iter_mut().zip(&rows) {
                            let label = u8::from(crosswalk.in_gold(&row.code, codes));
                            value["label"] = label.into();
                        }
                    }
                    let out = serde_json::json!({"id": line.id, "setting": note.setting, "candidates": candidates});
                    (out.to_string(), false)
                }
                Err(e) => (jsonl::failed_line(&line.id, &format!("line {line_no}: {e}")), true),
            },
        }
    })
}

/// A buffered writer to `output`, or to standard output for `-`.
pub fn open_output(output: &Path) -> Result<BufWriter<Box<dyn Write>>> {
    let writer: Box<dyn Write> = if output == Path::new("-") {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(File::create(output).with_context(|| format!("cannot create {}", output.display()))?)
    };
    Ok(BufWriter::new(writer))
}

/// Reads `input` line by line, answers each with `answer` (in parallel, a chunk at a time), writes the
/// answers in order to `output`, and returns the exit status for the number of failed lines.
fn run_lines(
    command: &str,
    input: &Path,
    output: &Path,
    answer: impl Fn(&[u8], usize, u64) -> (String, bool) + Sync,
) -> Result<ExitCode> {
    let reader: Box<dyn BufRead> = if input == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(BufReader::new(File::open(input).with_context(|| format!("cannot open {}", input.display()))?))
    };
    let summary = answer_lines(reader, open_output(output)?, &answer)?;
    if summary.failed > 0 {
        eprintln!("{command}: {} of {} lines failed", summary.failed, summary.lines);
    }
    Ok(ExitCode::from(summary.failed.min(MAX_FAILED_EXIT) as u8))
}

/// Codes every line of `reader` into `writer`.
pub fn code_lines(engine: &Engine, reader: impl BufRead, writer: impl Write) -> Result<Summary> {
    answer_lines(reader, writer, &|bytes, line_no, offset| code_line(engine, bytes, line_no, offset))
}

fn code_line(engine: &Engine, bytes: &[u8], line_no: usize, offset: u64) -> (String, bool) {
    let input = jsonl::parse_line(bytes, line_no, offset);
    match input.note {
        Err(msg) => (jsonl::failed_line(&input.id, &msg), true),
        Ok(note) => match engine.code(&note) {
            Ok(coded) => (jsonl::coded_line(&coded), false),
            Err(e) => (jsonl::failed_line(&input.id, &format!("line {line_no}: {e}")), true),
        },
    }
}

fn answer_lines(
    mut reader: impl BufRead,
    mut writer: impl Write,
    answer: &(impl Fn(&[u8], usize, u64) -> (String, bool) + Sync),
) -> Result<Summary> {
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mut summary = Summary::default();
    let mut offset = 0u64;
    let mut chunk: Vec<(usize, u64, Vec<u8>)> = Vec::with_capacity(CHUNK_LINES);
    loop {
        chunk.clear();
        while chunk.len() < CHUNK_LINES {
            let mut line = Vec::new();
            let n = reader.read_until(b'\n', &mut line).context("cannot read input")?;
            if n == 0 {
                break;
            }
            strip_newline(&mut line);
            summary.lines += 1;
            chunk.push((summary.lines, offset, line));
            offset += n as u64;
        }
        if chunk.is_empty() {
            break;
        }
        let outputs = answer_chunk(&chunk, workers, answer);
        for (line, failed) in outputs {
            summary.failed += failed as usize;
            writer.write_all(line.as_bytes()).context("cannot write output")?;
            writer.write_all(b"\n").context("cannot write output")?;
        }
    }
    writer.flush().context("cannot write output")?;
    Ok(summary)
}

fn strip_newline(line: &mut Vec<u8>) {
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
    }
}

/// One output line per input line of the chunk, in order, and whether it failed.
fn answer_chunk(
    chunk: &[(usize, u64, Vec<u8>)],
    workers: usize,
    answer: &(impl Fn(&[u8], usize, u64) -> (String, bool) + Sync),
) -> Vec<(String, bool)> {
    let one = |(line_no, offset, bytes): &(usize, u64, Vec<u8>)| answer(bytes, *line_no, *offset);
    if workers <= 1 || chunk.len() < 2 {
        return chunk.iter().map(one).collect();
    }
    let per_worker = chunk.len().div_ceil(workers);
    std::thread::scope(|s| {
        let handles: Vec<_> =
            chunk.chunks(per_worker).map(|part| s.spawn(move || part.iter().map(one).collect::<Vec<_>>())).collect();
        handles
            .into_iter()
            .zip(chunk.chunks(per_worker))
            .flat_map(|(h, part)| {
                h.join().unwrap_or_else(|_| {
                    // A panic in the engine is a bug; report the lines it took down rather than lose them.
                    part.iter()
                        .map(|(n, _, _)| {
                            (jsonl::failed_line(&serde_json::Value::Null, &format!("line {n}: internal error")), true)
                        })
                        .collect()
                })
            })
            .collect()
    })
}
