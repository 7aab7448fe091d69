//! `motcua-central`: the central server binary (see [`motcua_central::cli`]).

fn main() -> std::process::ExitCode {
    motcua_central::cli::main()
}
