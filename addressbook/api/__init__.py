"""The lookup API for message services: JSON:API over Django REST framework."""
