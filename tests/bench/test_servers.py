"""The bench serves ours and the bare reference with make run's own server command."""

from bench.servers import serve_command


def test_the_bench_serves_with_make_runs_command_for_its_port_and_workers():
    command = serve_command("127.0.0.1", 8765, 3, "bench.reference_flask:app")
    assert command[0].endswith("/granian") or command[0].endswith("granian")
    assert command[-1] == "bench.reference_flask:app"
    assert command[command.index("--port") + 1] == "8765"
    assert command[command.index("--workers") + 1] == "3"
    assert "app.serve:app" not in command
