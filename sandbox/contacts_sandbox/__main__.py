from contacts_sandbox.cli import main

main()
