from pyagent.cli.commands import main

main()
