use std::process::ExitCode;

fn main() -> ExitCode {
    jwtctl::main_with_args(std::env::args_os())
}
