"""The REST API /api/v1 (app/views/api): its clients, what it reads and the webhooks it pushes."""
