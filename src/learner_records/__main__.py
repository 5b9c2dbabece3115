from learner_records.entrypoints.cli import main

main()
