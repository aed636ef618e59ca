//! Integration tests: one binary, shared helpers, the real ICD-10-CM code set (fetched by `make setup`).
mod cdi;
mod cli;
mod codeset;
mod common;
mod compose;
mod contract;
mod feedback;
mod fuzz_corpus;
mod grpc;
mod limits;
mod props;
mod python;
mod rules;
mod scorer;
