"""Reporters: findings and capacity tables -> text for people and programs."""
