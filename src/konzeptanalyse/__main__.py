from konzeptanalyse.cli import app

app()
