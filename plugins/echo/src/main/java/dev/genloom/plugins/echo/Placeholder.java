package dev.genloom.plugins.echo; final class Placeholder {}
