package dev.genloom.zoo; final class Placeholder {}
