//! The central server as these tests run it: the same command line as the
//! shipped `motcua-central`, built by cargo before the tests because it is a
//! binary of this package (`env!("CARGO_BIN_EXE_central-under-test")`), so
//! no test has to build anything.

fn main() -> std::process::ExitCode {
    motcua_central::cli::main()
}
