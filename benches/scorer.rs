//! The trained scorer: one batched `run` for 200 candidates, and a shared session behind one lock versus a
//! pool of sessions when two threads score at once.
mod common;

use std::sync::Arc;

use cac::classify::features::{CODE_KEYS, CONTEXT_LEN, DESCRIPTION_LEN, FEATURE_NAMES, FeatureExtractor, KEY_BUCKETS};
use cac::classify::onnx::{ModelInputs, OnnxRuntime, OnnxScorer};
use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::Array2;

fn inputs(n: usize) -> ModelInputs {
    let dense = Array2::from_shape_fn((n, FEATURE_NAMES.len()), |(i, j)| ((i * 7 + j * 3) % 10) as f32 / 10.0);
    let context = Array2::from_shape_fn((n, CONTEXT_LEN), |(i, j)| ((i * 31 + j * 17) % 7990 + 2) as i64);
    let description = Array2::from_shape_fn((n, DESCRIPTION_LEN), |(i, j)| ((i * 13 + j * 5) % 7990 + 2) as i64);
    let code_keys = Array2::from_shape_fn((n, CODE_KEYS), |(i, j)| ((i * 101 + j * 7919) as u64 % KEY_BUCKETS) as i64);
    ModelInputs { dense, context, description, code_keys }
}

fn scorer(c: &mut Criterion) {
    let Some((_, model)) = cac::models::SCORER else { return };
    let runtime = OnnxRuntime::load(&cac::cli::data::find_onnxruntime().expect("make setup")).expect("ort");
    let make = |sessions| {
        Arc::new(
            OnnxScorer::new(&runtime, model, "models/scorer.onnx", FeatureExtractor::embedded().unwrap(), sessions)
                .unwrap(),
        )
    };
    let mut group = c.benchmark_group("scorer");
    let one = make(1);
    group.bench_function("run_200_candidates", |b| b.iter(|| one.score_inputs(inputs(200)).unwrap()));
    // Two threads scoring 30-candidate notes (a typical note) at once.
    for (name, s) in [("two_threads_one_locked_session", make(1)), ("two_threads_pool_of_two", make(2))] {
        group.bench_function(name, |b| {
            b.iter(|| {
                std::thread::scope(|scope| {
                    for _ in 0..2 {
                        let s = Arc::clone(&s);
                        scope.spawn(move || {
                            for _ in 0..20 {
                                s.score_inputs(inputs(30)).unwrap();
                            }
                        });
                    }
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, scorer);
criterion_main!(benches);
